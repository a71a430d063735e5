#include "capflow_report/tornado_chart.hpp"

#include "capflow_charts/charts.hpp"

namespace capflow {

std::string tornado_svg(const Tornado& t, const std::string& id, const std::string& title) {
  charts::TornadoChart c;
  c.id = id;
  c.title = title;
  c.x_label = t.metric;
  c.x_kind = metric_is_money(t.metric) ? charts::Kind::money : charts::Kind::number;
  c.base = metric_number(t.base);
  for (const auto& r : t.rows) {
    c.bars.push_back(
        {r.input.vary.path, metric_number(r.at_lo), metric_number(r.at_hi),
         value_label(r.input.vary.value_text(0)) + ": " + metric_text(t.metric, r.at_lo),
         value_label(r.input.vary.value_text(1)) + ": " + metric_text(t.metric, r.at_hi)});
  }
  c.note = "Each input alone at LO and at HI, the others at base; largest swing on top.";
  return charts::render(c);
}

}  // namespace capflow
