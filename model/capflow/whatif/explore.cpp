#include "capflow/whatif/explore.hpp"

#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <ostream>

#include "capflow/documents/run_document.hpp"
#include "capflow/montecarlo/monte_carlo.hpp"
#include "capflow/projection/projection.hpp"
#include "capflow/terms/scenario_input.hpp"
#include "capflow/version.hpp"
#include "capflow/waterfall/rounding.hpp"
#include "capflow/waterfall/waterfall.hpp"

namespace capflow {
namespace {

using ojson = nlohmann::ordered_json;

Result<Rational> parse_bound(const std::string& text) {
  if (!text.empty() && text.back() == '%') return parse_share(text);
  return parse_money(text);
}

// RFC 6901 tokens of a JSON pointer, or the parts of a dotted path (as --set reads them).
std::vector<std::string> path_tokens(const std::string& path) {
  return split_path(path);
}

std::string cents(const Money& m) {
  return format_cents(round_to_cents(m));
}

constexpr const char* kNoProjection =
    "no \"projection\" section: Monte Carlo and --deterministic evaluate `run` or `project` "
    "metrics, which need the year-by-year model (docs/scenario-format.md); --profit AMOUNT "
    "evaluates the waterfall alone";

// The exact base case's per-holder and company totals, under the keys `capflow project
// --format json` uses, so a metric names the same value in both.
ojson projection_metrics(const Scenario& s) {
  const auto terms = ProjectionTerms<Rational>::from(*s.projection, s.waterfall);
  const auto r = project(terms, terms.base_inputs(*s.projection, s.waterfall));
  const auto& sum = r.summary;
  ojson out;
  ojson hs = ojson::object();
  for (std::size_t h = 0; h < s.waterfall.holders.size(); ++h) {
    const Money total = sum.total_received[h] + sum.total_other[h];
    hs[s.waterfall.holders[h].id] = {
        {"invested", cents(sum.invested_total[h])},
        {"received", cents(sum.total_received[h])},
        {"terminal_claim", cents(sum.terminal_claim[h])},
        {"other", cents(sum.total_other[h])},
        {"total", cents(total)},
        {"pv", cents(sum.pv[h])},
        {"moic", sum.invested_total[h] > 0 ? ojson(format_decimal(total / sum.invested_total[h], 6))
                                           : ojson(nullptr)},
        {"cap_year", sum.cap_year_index[h] >= 0
                         ? ojson(s.projection->first_year + sum.cap_year_index[h])
                         : ojson(nullptr)}};
  }
  out["holders"] = hs;
  out["company"] = {
      {"first_profit_year", sum.first_profit_index >= 0
                                ? ojson(s.projection->first_year + sum.first_profit_index)
                                : ojson(nullptr)},
      {"worst_cumulative_result", cents(sum.worst_cumulative_result)},
      {"peak_funding_need", cents(sum.peak_funding_need)},
      {"total_funding_need", cents(sum.total_funding_need)},
      {"deadline_missed", sum.deadline_missed},
      {"refund_owed", cents(sum.refund_owed)}};
  return out;
}

// One allocation under the keys `capflow waterfall --format json` gives each holder.
ojson waterfall_metrics(const Scenario& s, const Money& profit) {
  const auto terms = WaterfallTerms<Rational>::from(s.waterfall);
  Waterfall<Rational> w(terms);
  w.distribute(profit);
  const std::vector<Integer> cents_each = allocate_cents(w.received());
  ojson hs = ojson::object();
  for (std::size_t h = 0; h < s.waterfall.holders.size(); ++h) {
    hs[s.waterfall.holders[h].id] = {
        {"received", format_cents(cents_each[h])},
        {"capped", w.at_cap(h)},
        {"share_of_profit",
         profit == 0 ? ojson(nullptr) : ojson(format_decimal(w.received()[h] / profit, 12))}};
  }
  return {{"profit", format_cents(round_to_cents(profit))}, {"holders", hs}};
}

// Looks up a metric; on failure explains what the result has at the deepest level found.
std::optional<ojson> lookup(const ojson& result, const std::string& metric, std::string& why) {
  if (!metric.starts_with("/")) {
    why = "a metric is a JSON pointer into the result, e.g. /holders/microsoft/nominal/mean";
    return std::nullopt;
  }
  const ojson* node = &result;
  std::string here;
  for (const auto& t : path_tokens(metric)) {
    // A group that is null on this run (no path invested: no MOIC): the metric is undefined.
    if (node->is_null() && !here.empty()) return ojson(nullptr);
    if (node->is_object() && node->contains(t)) {
      node = &node->at(t);
      here += "/" + t;
      continue;
    }
    std::string keys;
    if (node->is_object()) {
      std::size_t shown = 0;
      for (const auto& [k, v] : node->items()) {
        if (shown++ == 12) {
          keys += ", ...";
          break;
        }
        keys += (keys.empty() ? "" : ", ") + k;
      }
    }
    why = "no \"" + t + "\" in the result" + (here.empty() ? "" : " under " + here) +
          (keys.empty() ? "" : "; it has " + keys);
    return std::nullopt;
  }
  if (node->is_object() || node->is_array()) {
    why = "names a group of values, not one number; pick one of its keys";
    return std::nullopt;
  }
  return *node;
}

}  // namespace

std::string Vary::value_text(int k) const {
  const Rational v = steps < 2 ? lo : lo + (hi - lo) * k / (steps - 1);
  return format_decimal(v, 12);
}

std::optional<std::string> parse_vary(const std::string& text, bool with_steps, Vary& out) {
  const std::string form = with_steps ? "PATH=LO:HI:STEPS" : "PATH=LO:HI";
  const auto eq = text.rfind('=');
  if (eq == std::string::npos || eq == 0) return "expected " + form + ", found \"" + text + "\"";
  out.path = text.substr(0, eq);
  std::vector<std::string> parts;
  std::string rest = text.substr(eq + 1);
  for (std::size_t start = 0;;) {
    const auto colon = rest.find(':', start);
    parts.push_back(rest.substr(start, colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  if (parts.size() != (with_steps ? 3u : 2u)) {
    return "expected " + form + " (e.g. /holders/microsoft/cap=46B:138B" +
           (with_steps ? ":5" : "") + "), found \"" + text + "\"";
  }
  out.lo_text = parts[0];
  out.hi_text = parts[1];
  auto lo = parse_bound(parts[0]);
  if (!lo) return "LO: " + lo.error();
  auto hi = parse_bound(parts[1]);
  if (!hi) return "HI: " + hi.error();
  out.lo = lo.value();
  out.hi = hi.value();
  if (out.lo > out.hi) {
    return "LO " + parts[0] + " is above HI " + parts[1] + "; write the smaller value first";
  }
  if (with_steps) {
    const std::string& s = parts[2];
    const bool digits =
        !s.empty() && s.size() < 6 && s.find_first_not_of("0123456789") == std::string::npos;
    const int n = digits ? std::stoi(s) : 0;
    if (n < 2 || n > 1000) {
      return "STEPS \"" + s +
             "\": expected a whole number of grid points from 2 to 1000 (LO and "
             "HI are both points)";
    }
    out.steps = n;
  } else {
    out.steps = 2;
  }
  return std::nullopt;
}

// "an object", "a boolean": the kind with its article.
static std::string with_article(const std::string& kind) {
  const bool vowel = !kind.empty() && std::string("aeiou").find(kind[0]) != std::string::npos;
  return (vowel ? "an " : "a ") + kind;
}

std::optional<std::string> check_varied_value(const JsonNode& document, const std::string& path) {
  if (!path.starts_with("/") && path.find('/') != std::string::npos) {
    return "\"" + path + "\" is neither a JSON pointer (those start with '/') nor a dotted path";
  }
  const JsonNode* node = &document;
  std::string here;
  for (const auto& t : path_tokens(path)) {
    const JsonNode* next = nullptr;
    if (node->is_object()) {
      next = node->find(t);
    } else if (node->is_array()) {
      const bool numeric =
          !t.empty() && t.size() < 10 && t.find_first_not_of("0123456789") == std::string::npos;
      if (numeric && std::stoul(t) < node->items.size()) next = &node->items[std::stoul(t)];
    }
    if (next == nullptr) {
      return "no value at " + here + "/" + t +
             " in the resolved scenario (--vary changes a value the scenario has; use --set to "
             "add one)";
    }
    node = next;
    here += "/" + t;
  }
  if (node->is_number()) return std::nullopt;
  if (node->is_string() && (parse_money(node->text) || parse_share(node->text))) {
    return std::nullopt;
  }
  return "the value at " + path + " is " +
         (node->is_string() ? "the text \"" + node->text + "\""
                            : with_article(kind_name(node->kind))) +
         ", not a number";
}

std::vector<std::string> overrides_for(const Scenario& s, const std::string& path,
                                       const std::string& value, const EvalSettings& settings) {
  std::vector<std::string> out{path + "=" + value};
  if (settings.mode != EvalMode::monte_carlo || !s.uncertainty) return out;
  std::string pointer;
  for (const auto& t : path_tokens(path)) pointer += "/" + pointer_token(t);
  for (const auto& in : s.uncertainty->inputs) {
    if (in.target.pointer != pointer) continue;
    ojson fixed = {{"distribution", "fixed"}, {"value", value}, {"target", pointer}};
    out.push_back("/uncertainty/inputs/" + pointer_token(in.name) + "=" + fixed.dump());
  }
  return out;
}

// The distributions that `metrics` read from a run's result (capflow run --compute): a
// sweep of mean nominal payouts need not solve an IRR on every path. A metric outside
// the keys known here gets every group, so that lookup() explains it against the whole
// result, as it would without this.
MetricGroups groups_read_by(const std::vector<std::string>& metrics) {
  MetricGroups groups = MetricGroups::none();
  for (const auto& m : metrics) {
    if (!m.starts_with("/")) return MetricGroups::all();
    const auto t = path_tokens(m);
    if (t.size() >= 2 && t[0] == "company") {
      groups.add(MetricGroup::company);
      continue;
    }
    if (t.size() < 3 || t[0] != "holders") return MetricGroups::all();
    const std::string& key = t[2];
    if (key == "name" || key == "p_received_any" || key == "p_cap" || key == "p_cap_reached" ||
        key == "cap_year") {
      continue;  // counts: in every run
    }
    bool known = false;
    for (MetricGroup g : kMetricGroups) {
      if (g != MetricGroup::company && key == metric_group_name(g)) {
        groups.add(g);
        known = true;
      }
    }
    if (key == "p_irr_undefined") {
      groups.add(MetricGroup::irr);
      known = true;
    }
    if (!known) return MetricGroups::all();
  }
  return groups;
}

std::optional<PointResult> evaluate(const std::string& file, const std::vector<std::string>& sets,
                                    const std::vector<std::string>& extra,
                                    const std::vector<std::string>& metrics,
                                    const EvalSettings& settings, std::ostream& err,
                                    bool* bad_metric) {
  std::vector<std::string> all = sets;
  all.insert(all.end(), extra.begin(), extra.end());
  auto scenario = load_or_report(file, all, err);
  if (!scenario) return std::nullopt;
  if (!scenario->projection && settings.mode != EvalMode::waterfall) {
    err << file << ": " << kNoProjection << "\n";
    return std::nullopt;
  }
  ojson result;
  // For error messages about a run of some groups: the result with every key a full run
  // has (below); empty when `result` is that already.
  std::function<ojson()> full_shape;
  if (settings.mode == EvalMode::waterfall) {
    result = waterfall_metrics(*scenario, settings.profit);
  } else if (settings.mode == EvalMode::deterministic) {
    result = projection_metrics(*scenario);
  } else {
    std::unique_ptr<MonteCarlo> mc;
    try {
      mc = std::make_unique<MonteCarlo>(*scenario);
    } catch (const MonteCarloInputError& e) {
      err << file << ": " << e.what() << "\n";
      return std::nullopt;
    }
    RunRequest request{settings.seed, 0, settings.paths, settings.threads, nullptr};
    request.groups = groups_read_by(metrics);
    RunStats stats = mc->run(request);
    RunMeta meta;
    meta.scenario_file = file;
    meta.scenario_sha256 = scenario->content_sha256;
    meta.seed = settings.seed;
    meta.paths = settings.paths;
    meta.threads = settings.threads;
    result = run_document(*scenario, meta, stats);
    if (!stats.groups.is_all()) {
      // A metric not found is explained against the keys of a full run (the groups not
      // computed are there, empty), not only the groups its metrics read.
      full_shape = [&scenario, meta, stats = std::move(stats)]() mutable {
        stats.groups = MetricGroups::all();
        return run_document(*scenario, meta, stats);
      };
    }
  }
  PointResult out;
  out.scenario_sha256 = scenario->content_sha256;
  for (const auto& m : metrics) {
    std::string why;
    auto v = lookup(result, m, why);
    if (!v) {
      if (full_shape) lookup(full_shape(), m, why);
      err << "capflow: --metric " << m << ": " << why << "\n";
      if (bad_metric != nullptr) *bad_metric = true;
      return std::nullopt;
    }
    out.values.push_back(*v);
  }
  return out;
}

std::vector<PointResult> run_points_in_order(std::size_t n, const PointEvaluation& point,
                                             std::ostream& err) {
  std::vector<PointResult> out;
  for (std::size_t i = 0; i < n; ++i) {
    auto r = point(i, err);
    if (!r) break;
    out.push_back(std::move(*r));
  }
  return out;
}

std::string holder_metric(const Scenario& s, std::size_t holder, const EvalSettings& settings) {
  const std::string key = settings.mode == EvalMode::waterfall       ? "/received"
                          : settings.mode == EvalMode::deterministic ? "/total"
                                                                     : "/nominal/mean";
  return "/holders/" + pointer_token(s.waterfall.holders[holder].id) + key;
}

std::vector<std::string> default_metrics(const Scenario& s, const EvalSettings& settings) {
  std::vector<std::string> out;
  for (std::size_t h = 0; h < s.waterfall.holders.size(); ++h) {
    out.push_back(holder_metric(s, h, settings));
  }
  return out;
}

double metric_number(const MetricValue& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    try {
      return std::stod(v.get<std::string>());
    } catch (const std::exception&) {
      return NAN;
    }
  }
  if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
  return NAN;
}

bool metric_is_money(const std::string& metric) {
  const auto slash = metric.rfind('/');
  const std::string last = metric.substr(slash + 1);
  const std::string parent =
      slash == 0 || slash == std::string::npos ? "" : metric.substr(0, slash);
  const std::string group = parent.substr(parent.rfind('/') + 1);
  if (last.starts_with("p_") || last == "moic" || last == "irr" || last == "cap_year" ||
      last == "first_profit_year" || last == "deadline_missed" || last == "n" || last == "capped" ||
      last == "converted" || last == "reached") {
    return false;
  }
  return group != "moic" && group != "irr" && group != "cap_year" && group != "first_profit_year" &&
         group != "conversion_year";
}

std::string metric_text(const std::string& metric, const MetricValue& v) {
  if (v.is_null()) return "n/a";
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  const double x = metric_number(v);
  if (!std::isfinite(x)) return v.is_string() ? v.get<std::string>() : "n/a";
  char buf[48];
  const std::string last = metric.substr(metric.rfind('/') + 1);
  if (metric_is_money(metric)) {
    const double a = std::fabs(x);
    const char* sign = x < 0 ? "-" : "";
    if (a >= 1e12) {
      std::snprintf(buf, sizeof buf, "%s$%.2fT", sign, a / 1e12);
    } else if (a >= 1e9) {
      std::snprintf(buf, sizeof buf, "%s$%.2fB", sign, a / 1e9);
    } else if (a >= 1e6) {
      std::snprintf(buf, sizeof buf, "%s$%.1fM", sign, a / 1e6);
    } else {
      std::snprintf(buf, sizeof buf, "%s$%.0f", sign, a);
    }
  } else if (last.starts_with("p_") || metric.find("/conversion_year/") != std::string::npos ||
             metric.find("/first_profit_year/") != std::string::npos ||
             metric.find("/cap_year/") != std::string::npos) {
    std::snprintf(buf, sizeof buf, "%.1f%%", x * 100);
  } else if (metric.find("/irr") != std::string::npos) {
    std::snprintf(buf, sizeof buf, "%.1f%%", x * 100);
  } else if (last == "cap_year" || last == "first_profit_year") {
    std::snprintf(buf, sizeof buf, "%.0f", x);
  } else {
    std::snprintf(buf, sizeof buf, "%.4g", x);
  }
  return buf;
}

std::string value_label(const std::string& value_text) {
  auto m = parse_money(value_text);
  if (m && abs(m.value()) >= 1000000) return format_money_short(m.value());
  return value_text;
}

ojson result_header(const std::string& schema, const std::string& file, const Scenario& scenario,
                    const EvalSettings& settings) {
  ojson out;
  out["schema"] = schema;
  out["scenario"] = file;
  out["scenario_sha256"] = scenario.content_sha256;
  out["mode"] = mode_name(settings.mode);
  if (settings.mode == EvalMode::monte_carlo) {
    out["seed"] = settings.seed;
    out["paths"] = settings.paths;
  }
  if (settings.mode == EvalMode::waterfall)
    out["profit"] = format_cents(round_to_cents(settings.profit));
  out["version"] = kVersion;
  return out;
}

std::string raw_text(const MetricValue& v) {
  return v.is_string() ? v.get<std::string>() : v.is_null() ? "" : v.dump();
}

const char* mode_name(EvalMode mode) {
  switch (mode) {
    case EvalMode::monte_carlo:
      return "monte_carlo";
    case EvalMode::deterministic:
      return "deterministic";
    case EvalMode::waterfall:
      return "waterfall";
  }
  return "";
}

std::string describe(const EvalSettings& s) {
  switch (s.mode) {
    case EvalMode::deterministic:
      return "exact projection";
    case EvalMode::waterfall:
      return "exact waterfall at a total profit of " + format_money_short(s.profit);
    case EvalMode::monte_carlo:
      break;
  }
  return "Monte Carlo, " + std::to_string(s.paths) + " paths, seed " + std::to_string(s.seed) +
         " (common random numbers: path i sees the same draws in every run)";
}

bool needs_projection(const EvalSettings& s) {
  return s.mode != EvalMode::waterfall;
}
std::string no_projection_message() {
  return kNoProjection;
}

std::optional<std::vector<Vary>> parse_varies(const std::vector<std::string>& texts,
                                              bool with_steps, const std::string& command,
                                              std::ostream& err) {
  std::vector<Vary> out;
  for (const auto& text : texts) {
    Vary v;
    if (auto problem = parse_vary(text, with_steps, v)) {
      err << "capflow " << command << ": --vary " << text << ": " << *problem << "\n";
      return std::nullopt;
    }
    for (const auto& w : out) {
      if (w.path == v.path) {
        err << "capflow " << command << ": --vary " << v.path << " is given twice\n";
        return std::nullopt;
      }
    }
    out.push_back(v);
  }
  return out;
}

}  // namespace capflow
