#include "capflow_report/tornado_chart.hpp"

#include "capflow_charts/charts.hpp"

namespace capflow {
namespace {

// What a row is in words: a default input's name ("cap of Microsoft", the uncertainty
// input's name); a --vary input has only its pointer.
std::string human_name(const TornadoInput& in) {
  if (in.source == "--vary" || in.source.empty()) return in.vary.path;
  std::string name = in.source.substr(0, in.source.find(": "));
  const std::string kInput = "uncertainty input \"";
  if (name.starts_with(kInput) && name.size() > kInput.size() + 1 && name.back() == '"')
    name = name.substr(kInput.size(), name.size() - kInput.size() - 1);
  return name;
}

}  // namespace

std::string tornado_svg(const Tornado& t, const std::string& id, const std::string& title) {
  charts::TornadoChart c;
  c.id = id;
  c.title = title;
  c.x_label = t.metric;
  c.x_kind = metric_is_money(t.metric) ? charts::Kind::money : charts::Kind::number;
  c.base = metric_number(t.base);
  for (const auto& r : t.rows) {
    const std::string name = human_name(r.input);
    c.bars.push_back({name, metric_number(r.at_lo), metric_number(r.at_hi),
                      value_label(r.input.vary.path, r.input.vary.value_text(0)) + ": " +
                          metric_text(t.metric, r.at_lo),
                      value_label(r.input.vary.path, r.input.vary.value_text(1)) + ": " +
                          metric_text(t.metric, r.at_hi),
                      name == r.input.vary.path ? std::string() : r.input.vary.path});
  }
  c.note = "Each input alone at LO and at HI, the others at base; largest swing on top.";
  return charts::render(c);
}

}  // namespace capflow
