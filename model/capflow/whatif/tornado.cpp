#include "capflow/whatif/tornado.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>

#include "capflow/montecarlo/distributions.hpp"

namespace capflow {
namespace {

// A double as decimal text capflow reads exactly (6 significant digits, no "e+").
std::string decimal_text(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  std::string s = buf;
  const auto plus = s.find("e+");
  if (plus != std::string::npos) s.erase(plus + 1, 1);
  return s;
}

bool make_vary(const std::string& path, const std::string& lo, const std::string& hi, Vary& v) {
  return !parse_vary(path + "=" + lo + ":" + hi, false, v);
}

// A target --set can write: a number the scenario has, or a new key of an object it has
// (an input may replace a growth rate from a year the scenario leaves to an earlier one).
bool settable(const JsonNode& document, const std::string& pointer) {
  if (!check_varied_value(document, pointer)) return true;
  const auto slash = pointer.rfind('/');
  if (slash == std::string::npos || slash == 0) return false;
  const JsonNode* node = &document;
  std::string rest = pointer.substr(1, slash - 1) + "/";
  for (std::size_t start = 0, end; (end = rest.find('/', start)) != std::string::npos;
       start = end + 1) {
    node = node->is_object() ? node->find(rest.substr(start, end - start)) : nullptr;
    if (node == nullptr) return false;
  }
  return node->is_object() && node->find(pointer.substr(slash + 1)) == nullptr;
}

bool is_numeric_string(const MetricValue& v) {
  return v.is_string() && parse_money(v.get<std::string>()).ok();
}

}  // namespace

std::vector<TornadoInput> default_tornado_inputs(const Scenario& s, std::string& note) {
  std::vector<TornadoInput> out;
  if (s.uncertainty) {
    for (const auto& in : s.uncertainty->inputs) {
      if (in.target.kind == InputTarget::Kind::none || in.target.pointer.empty()) continue;
      if (!settable(s.document, in.target.pointer)) continue;
      const Sampler sampler(in.distribution);
      double lo = sampler.quantile(0.1), hi = sampler.quantile(0.9);
      if (lo > hi) std::swap(lo, hi);
      Vary v;
      if (make_vary(in.target.pointer, decimal_text(lo), decimal_text(hi), v)) {
        out.push_back({v, "uncertainty input \"" + in.name + "\": p10 to p90"});
      }
    }
  }
  if (!out.empty()) {
    note = "inputs: each uncertainty input from its p10 to its p90";
    return out;
  }
  for (const auto& h : s.waterfall.holders) {
    if (!h.cap) continue;
    const std::string base = "/holders/" + pointer_token(h.id) + "/cap";
    const bool multiple = h.cap_multiple.has_value();
    const Rational value = multiple ? *h.cap_multiple : *h.cap;
    const std::string path = multiple ? base + "/multiple" : base;
    if (check_varied_value(s.document, path)) continue;
    Vary v;
    if (make_vary(path, format_decimal(value / 2, 2), format_decimal(value * 3 / 2, 2), v)) {
      out.push_back({v, "cap of " + h.name + ": 0.5x to 1.5x"});
    }
  }
  const std::string tv = "/projection/terminal_value/multiple";
  if (!check_varied_value(s.document, tv)) {
    if (auto p = s.projection; p && p->terminal_value.multiple > 0) {
      Vary v;
      const Rational m = p->terminal_value.multiple;
      if (make_vary(tv, format_decimal(m / 2, 6), format_decimal(m * 3 / 2, 6), v)) {
        out.push_back({v, "terminal multiple: 0.5x to 1.5x"});
      }
    }
  }
  const bool terminal = !out.empty() && out.back().vary.path == tv;
  note = std::string("inputs: the scenario has no numeric uncertainty inputs, so each cap") +
         (terminal ? " and the terminal multiple" : "") + " from 0.5x to 1.5x its value";
  return out;
}

std::string default_tornado_metric(const Scenario& s, const EvalSettings& settings) {
  return holder_metric(s, s.waterfall.residual, settings);
}

std::optional<Tornado> compute_tornado(const Scenario& base_scenario, const std::string& file,
                                       const std::vector<std::string>& sets,
                                       const std::vector<TornadoInput>& inputs,
                                       const std::string& metric, const EvalSettings& settings,
                                       std::ostream& err, const PointRunner& runner) {
  Tornado t;
  t.metric = metric;
  // Point 0 is the base; point 1 + 2i + k input i at LO (k = 0) or HI (k = 1).
  const auto point = [&](std::size_t p, std::ostream& point_err) -> std::optional<PointResult> {
    if (p == 0) return evaluate(file, sets, {}, {metric}, settings, point_err);
    const TornadoInput& in = inputs[(p - 1) / 2];
    const int k = static_cast<int>((p - 1) % 2);
    auto r = evaluate(file, sets,
                      overrides_for(base_scenario, in.vary.path, in.vary.value_text(k), settings),
                      {metric}, settings, point_err);
    if (!r) {
      point_err << "capflow tornado: with " << in.vary.path << " at "
                << (k == 0 ? in.vary.lo_text : in.vary.hi_text) << "\n";
    }
    return r;
  };
  const std::size_t points = 1 + 2 * inputs.size();
  const std::vector<PointResult> results = runner(points, point, err);
  if (results.size() < points) return std::nullopt;
  t.base = results[0].values[0];
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    TornadoRow row{inputs[i], results[1 + 2 * i].values[0], results[2 + 2 * i].values[0], 0};
    const double d = metric_number(row.at_hi) - metric_number(row.at_lo);
    row.swing = std::isfinite(d) ? std::fabs(d) : 0;
    t.rows.push_back(std::move(row));
  }
  std::stable_sort(t.rows.begin(), t.rows.end(),
                   [](const TornadoRow& a, const TornadoRow& b) { return a.swing > b.swing; });
  return t;
}

std::string tornado_swing_text(const TornadoRow& r) {
  // Exact when both ends are exact cents (deterministic).
  if (is_numeric_string(r.at_lo) && is_numeric_string(r.at_hi)) {
    const Rational d = parse_money(r.at_hi.get<std::string>()).value() -
                       parse_money(r.at_lo.get<std::string>()).value();
    return format_decimal(d < 0 ? Rational(-d) : d, 2);
  }
  return MetricValue(r.swing).dump();
}

std::optional<Tornado> tornado_for(const Scenario& base, const std::string& file,
                                   const std::vector<std::string>& sets,
                                   const std::vector<Vary>& varies, const std::string& metric,
                                   const EvalSettings& settings, std::ostream& err,
                                   std::string& note, const PointRunner& runner) {
  std::vector<TornadoInput> inputs;
  for (const auto& v : varies) inputs.push_back({v, "--vary"});
  if (needs_projection(settings) && !base.projection) {
    err << file << ": " << no_projection_message() << "\n";
    return std::nullopt;
  }
  for (const auto& in : inputs) {
    if (auto problem = check_varied_value(base.document, in.vary.path)) {
      err << "capflow tornado: --vary " << in.vary.path << ": " << *problem << "\n";
      return std::nullopt;
    }
  }
  note = "inputs: as given with --vary";
  if (inputs.empty()) inputs = default_tornado_inputs(base, note);
  if (inputs.empty()) {
    err << "capflow tornado: " << file
        << ": no --vary given and no default input found (no uncertainty inputs, caps or "
           "terminal multiple); name the inputs with --vary PATH=LO:HI\n";
    return std::nullopt;
  }
  const std::string m = metric.empty() ? default_tornado_metric(base, settings) : metric;
  return compute_tornado(base, file, sets, inputs, m, settings, err, runner);
}

nlohmann::ordered_json tornado_document(const std::string& file, const Scenario& base,
                                        const EvalSettings& settings, const std::string& note,
                                        const Tornado& t) {
  using ojson = nlohmann::ordered_json;
  ojson out = result_header("capflow/tornado/v1", file, base, settings);
  out["metric"] = t.metric;
  out["base"] = t.base;
  out["note"] = note;
  ojson rows = ojson::array();
  for (const auto& r : t.rows) {
    rows.push_back({{"path", r.input.vary.path},
                    {"source", r.input.source},
                    {"lo", r.input.vary.value_text(0)},
                    {"hi", r.input.vary.value_text(1)},
                    {"at_lo", r.at_lo},
                    {"at_hi", r.at_hi},
                    {"swing", ojson::parse(tornado_swing_text(r))}});
  }
  out["inputs"] = rows;
  return out;
}

}  // namespace capflow
