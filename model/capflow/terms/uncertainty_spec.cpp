#include "capflow/terms/uncertainty_spec.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace capflow {
namespace {

// A numeric parameter: a plain number, a percentage ("25%") or money ("92B").
std::optional<double> number_param(const JsonNode& n, const std::string& ptr, JsonReader& reader) {
  if (n.kind != JsonNode::Kind::number && n.kind != JsonNode::Kind::string) {
    reader.error(n, ptr, std::string("expected a number, found ") + kind_name(n.kind));
    return std::nullopt;
  }
  if (auto s = parse_share(n.text)) return to_double(s.value());
  if (auto m = parse_money(n.text)) return to_double(m.value());
  reader.error(n, ptr, "\"" + n.text + "\": expected a number such as 0.25, \"25%\" or \"92B\"");
  return std::nullopt;
}

std::optional<double> required(const JsonNode& obj, const char* key, const std::string& ptr,
                               JsonReader& reader) {
  const JsonNode* v = obj.find(key);
  if (v == nullptr) {
    reader.error(obj, ptr, std::string("missing \"") + key + "\"");
    return std::nullopt;
  }
  return number_param(*v, child(ptr, key), reader);
}

std::optional<Year> year_param(const JsonNode& n, const std::string& ptr, JsonReader& reader) {
  auto v = number_param(n, ptr, reader);
  if (!v) return std::nullopt;
  if (*v != std::floor(*v) || *v < 1900 || *v > 2200) {
    reader.error(n, ptr, "expected a year such as 2026");
    return std::nullopt;
  }
  return static_cast<Year>(*v);
}

std::optional<DistributionSpec> read_distribution(const JsonNode& n, const std::string& ptr,
                                                  JsonReader& reader) {
  using K = DistributionSpec::Kind;
  static const std::map<std::string, K> kKinds{
      {"fixed", K::fixed},         {"uniform", K::uniform},       {"normal", K::normal},
      {"lognormal", K::lognormal}, {"triangular", K::triangular}, {"pert", K::pert},
      {"bernoulli", K::bernoulli}, {"discrete", K::discrete}};
  const JsonNode* kind = n.find("distribution");
  if (kind == nullptr) {
    reader.error(n, ptr,
                 "missing \"distribution\": one of fixed, uniform, normal, lognormal, "
                 "triangular, pert, bernoulli, discrete");
    return std::nullopt;
  }
  auto name = reader.string(*kind, child(ptr, "distribution"));
  if (!name) return std::nullopt;
  auto it = kKinds.find(*name);
  if (it == kKinds.end()) {
    reader.error(*kind, child(ptr, "distribution"),
                 "unknown distribution \"" + *name +
                     "\"; expected one of fixed, uniform, normal, "
                     "lognormal, triangular, pert, bernoulli, discrete");
    return std::nullopt;
  }
  DistributionSpec d;
  d.kind = it->second;
  const std::size_t before = reader.error_count();
  // Located at the offending parameter when there is one, else at the input.
  auto bad = [&](const std::string& what, const char* key = nullptr) {
    const JsonNode* at = key != nullptr ? n.find(key) : nullptr;
    if (at != nullptr) {
      reader.error(*at, child(ptr, key), "invalid " + *name + " parameters: " + what);
    } else {
      reader.error(n, ptr, "invalid " + *name + " parameters: " + what);
    }
  };
  // The parameter as written in the file ("0", "-5%"), for messages.
  auto text = [&](const char* key) {
    return n.find(key) != nullptr ? n.find(key)->text : std::string();
  };
  switch (d.kind) {
    case K::fixed: {
      reader.check_keys(n, ptr, {"distribution", "value", "target", "notes", "source"});
      if (auto v = required(n, "value", ptr, reader)) d.a = *v;
      break;
    }
    case K::uniform: {
      reader.check_keys(n, ptr, {"distribution", "min", "max", "target", "notes", "source"});
      auto lo = required(n, "min", ptr, reader);
      auto hi = required(n, "max", ptr, reader);
      if (lo && hi && !(*lo < *hi))
        bad("min (" + text("min") + ") must be below max (" + text("max") + ")", "max");
      if (lo && hi) d.a = *lo, d.b = *hi;
      break;
    }
    case K::normal: {
      reader.check_keys(n, ptr,
                        {"distribution", "mean", "sd", "truncate", "target", "notes", "source"});
      auto m = required(n, "mean", ptr, reader);
      auto s = required(n, "sd", ptr, reader);
      if (s && !(*s > 0)) bad("sd must be positive, found " + text("sd"), "sd");
      if (m && s) d.a = *m, d.b = *s;
      break;
    }
    case K::lognormal: {
      reader.check_keys(
          n, ptr,
          {"distribution", "mean", "sd", "median", "p90", "truncate", "target", "notes", "source"});
      if ((n.find("median") != nullptr || n.find("p90") != nullptr) &&
          (n.find("mean") != nullptr || n.find("sd") != nullptr)) {
        bad("give \"mean\" and \"sd\", or \"median\" and \"p90\", not both",
            n.find("mean") ? "mean" : "sd");
      } else if (n.find("median") != nullptr || n.find("p90") != nullptr) {
        auto med = required(n, "median", ptr, reader);
        auto p90 = required(n, "p90", ptr, reader);
        if (med && p90 && !(*med > 0 && *p90 > *med)) {
          bad("needs 0 < median < p90, found median " + text("median") + " and p90 " + text("p90"),
              *med > 0 ? "p90" : "median");
        } else if (med && p90) {
          d.a = std::log(*med);
          d.b = (std::log(*p90) - d.a) / 1.2815515655446004;  // z of the 90th percentile
        }
      } else {
        auto m = required(n, "mean", ptr, reader);
        auto s = required(n, "sd", ptr, reader);
        if (m && s && !(*m > 0 && *s > 0)) {
          bad("needs mean > 0 and sd > 0 (a lognormal variable is positive), found mean " +
                  text("mean") + " and sd " + text("sd"),
              *m > 0 ? "sd" : "mean");
        } else if (m && s) {
          double v = std::log1p((*s / *m) * (*s / *m));
          d.b = std::sqrt(v);
          d.a = std::log(*m) - v / 2;
        }
      }
      break;
    }
    case K::triangular:
    case K::pert: {
      reader.check_keys(n, ptr,
                        {"distribution", "min", "mode", "max", "lambda", "truncate", "target",
                         "notes", "source"});
      auto lo = required(n, "min", ptr, reader);
      auto mode = required(n, "mode", ptr, reader);
      auto hi = required(n, "max", ptr, reader);
      if (lo && mode && hi && !(*lo <= *mode && *mode <= *hi && *lo < *hi)) {
        bad("needs min <= mode <= max and min < max, found min " + text("min") + ", mode " +
                text("mode") + ", max " + text("max"),
            *lo < *hi ? "mode" : "max");
      }
      if (lo && mode && hi) d.a = *lo, d.c = *mode, d.b = *hi;
      if (const JsonNode* l = n.find("lambda")) {
        if (d.kind != K::pert) {
          reader.error(*l, child(ptr, "lambda"), "\"lambda\" applies to pert only");
        } else if (auto v = number_param(*l, child(ptr, "lambda"), reader)) {
          if (!(*v > 0)) bad("lambda must be positive, found " + text("lambda"), "lambda");
          d.lambda = *v;
        }
      }
      break;
    }
    case K::bernoulli: {
      reader.check_keys(n, ptr, {"distribution", "p", "target", "notes", "source"});
      if (auto p = required(n, "p", ptr, reader)) {
        if (!(*p >= 0 && *p <= 1)) bad("p must be in [0, 1], found " + text("p"), "p");
        d.a = *p;
      }
      break;
    }
    case K::discrete: {
      reader.check_keys(n, ptr,
                        {"distribution", "values", "probabilities", "target", "notes", "source"});
      const JsonNode* vs = n.find("values");
      const JsonNode* ps = n.find("probabilities");
      if (vs == nullptr || ps == nullptr) {
        bad("needs \"values\" and \"probabilities\" arrays");
        break;
      }
      if (!reader.expect(*vs, child(ptr, "values"), JsonNode::Kind::array, "an array of values") ||
          !reader.expect(*ps, child(ptr, "probabilities"), JsonNode::Kind::array,
                         "an array of probabilities")) {
        break;
      }
      if (vs->items.size() != ps->items.size() || vs->items.empty()) {
        bad("\"values\" and \"probabilities\" must be non-empty and of the same length");
        break;
      }
      Rational total = 0;
      for (std::size_t i = 0; i < vs->items.size(); ++i) {
        auto v = number_param(vs->items[i], child(child(ptr, "values"), i), reader);
        auto p = reader.share(ps->items[i], child(child(ptr, "probabilities"), i));
        if (v && p) {
          d.values.push_back(*v);
          d.probabilities.push_back(to_double(*p));
          total += *p;
        }
      }
      if (reader.error_count() == before && total != 1) {
        reader.error(*ps, child(ptr, "probabilities"),
                     "probabilities sum to " + format_decimal(total) + ", expected exactly 1");
      }
      break;
    }
  }
  if (const JsonNode* t = n.find("truncate")) {
    std::string tp = child(ptr, "truncate");
    if (reader.expect(*t, tp, JsonNode::Kind::object, "{\"min\": a, \"max\": b}")) {
      reader.check_keys(*t, tp, {"min", "max"});
      if (const JsonNode* x = t->find("min"))
        d.truncate_min = number_param(*x, child(tp, "min"), reader);
      if (const JsonNode* x = t->find("max"))
        d.truncate_max = number_param(*x, child(tp, "max"), reader);
      if (d.truncate_min && d.truncate_max && !(*d.truncate_min < *d.truncate_max)) {
        reader.error(*t, tp, "truncation min must be below max");
      }
    }
  }
  if (reader.error_count() != before) return std::nullopt;
  return d;
}

std::vector<std::string> split_pointer(const std::string& p) {
  std::vector<std::string> out;
  std::string token;
  for (std::size_t i = 1; i <= p.size(); ++i) {
    if (i == p.size() || p[i] == '/') {
      out.push_back(token);
      token.clear();
    } else if (p[i] == '~' && i + 1 < p.size()) {
      token += p[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      token += p[i];
    }
  }
  return out;
}

// True if some year from `from` until the line's next growth entry (or `last`) is not a
// fixed amount: a random growth rate from `from` then changes the line.
bool grows(const LineSpec& line, Year from, Year last) {
  auto next = line.growth.upper_bound(from);
  const Year end = next == line.growth.end() ? last + 1 : next->first;
  for (Year t = from; t < end; ++t) {
    if (line.amounts.count(t) == 0) return true;
  }
  return false;
}

std::optional<InputTarget> read_target(const JsonNode& n, const std::string& ptr,
                                       const ProjectionSpec& p, const WaterfallSpec& w,
                                       const JsonNode& document, JsonReader& reader) {
  auto text = reader.string(n, ptr);
  if (!text) return std::nullopt;
  InputTarget t;
  t.pointer = *text;
  // The list of supported targets only when the pointer is not one of their shapes;
  // otherwise the reason says what to change.
  auto fail = [&](const std::string& why, bool list_targets = false) {
    reader.error(
        n, ptr,
        "cannot make \"" + *text + "\" random: " + why +
            (list_targets ? ". Supported targets: /projection/revenue/{growth,amounts}/YEAR, "
                            "/projection/costs/LINE/{ratio,amounts,growth}/YEAR, "
                            "/projection/terminal_value/multiple, /projection/cap_growth/rate, "
                            "/holders/ID/cap, /holders/ID/cap/multiple, /conversion/date"
                          : ""));
    return std::nullopt;
  };
  if (text->empty() || (*text)[0] != '/')
    return fail("expected a JSON pointer starting with '/'", true);
  auto tok = split_pointer(*text);
  auto year_of = [&](const std::string& s) -> std::optional<Year> {
    if (s.size() != 4 ||
        !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return std::nullopt;
    Year y = std::stoi(s);
    if (y < p.first_year || y > p.last_year) return std::nullopt;
    return y;
  };
  const std::string years = std::to_string(p.first_year) + " to " + std::to_string(p.last_year);
  using K = InputTarget::Kind;
  if (tok.size() == 4 && tok[0] == "projection" && tok[1] == "revenue") {
    auto y = year_of(tok[3]);
    if (!y) return fail("\"" + tok[3] + "\" is not a projected year (" + years + ")");
    if (tok[2] == "growth")
      t.kind = K::revenue_growth;
    else if (tok[2] == "amounts")
      t.kind = K::revenue_amount;
    else
      return fail("revenue has \"growth\" and \"amounts\"", true);
    t.year = *y;
    if (t.kind == K::revenue_growth && !grows(p.revenue, *y, p.last_year)) {
      return fail(
          "revenue is a fixed amount in every year the rate would apply to, so it would change "
          "nothing");
    }
    return t;
  }
  if (tok.size() == 5 && tok[0] == "projection" && tok[1] == "costs") {
    auto line = std::find_if(p.costs.begin(), p.costs.end(),
                             [&](const LineSpec& l) { return l.id == tok[2]; });
    if (line == p.costs.end()) return fail("no cost line \"" + tok[2] + "\"");
    auto y = year_of(tok[4]);
    if (!y) return fail("\"" + tok[4] + "\" is not a projected year (" + years + ")");
    t.line = static_cast<std::size_t>(line - p.costs.begin());
    t.year = *y;
    if (tok[3] == "ratio" && !line->ratio.empty())
      t.kind = K::cost_ratio;
    else if (tok[3] == "amounts" && line->ratio.empty())
      t.kind = K::cost_amount;
    else if (tok[3] == "growth" && line->ratio.empty())
      t.kind = K::cost_growth;
    else if (!line->ratio.empty())
      return fail("cost line \"" + tok[2] + "\" is a ratio of revenue: target /projection/costs/" +
                  tok[2] + "/ratio/" + tok[4]);
    else
      return fail("cost line \"" + tok[2] +
                  "\" is given by amounts and growth: target its amounts/" + tok[4] +
                  " or growth/" + tok[4]);
    if (t.kind == K::cost_amount && line->amounts.count(*y) == 0) {
      return fail("cost line \"" + tok[2] + "\" has no amount for " + tok[4] +
                  " (it grows from the year before); "
                  "give an amount for " +
                  tok[4] + " in the scenario, or make its growth random");
    }
    if (t.kind == K::cost_growth && !grows(*line, *y, p.last_year)) {
      return fail("cost line \"" + tok[2] +
                  "\" is a fixed amount in every year the rate would apply to, so it "
                  "would change nothing");
    }
    return t;
  }
  if (*text == "/projection/terminal_value/multiple") {
    if (p.terminal_value.method != TerminalValueSpec::Method::multiple)
      return fail("the scenario's terminal_value is not a multiple (it has none, or a perpetuity)");
    t.kind = K::terminal_multiple;
    return t;
  }
  if (*text == "/projection/cap_growth/rate") {
    if (!p.cap_growth) return fail("the scenario has no cap_growth");
    t.kind = K::cap_growth_rate;
    return t;
  }
  if (*text == "/conversion/date") {
    if (!p.conversion) return fail("the scenario has no conversion (it gives the equity)");
    t.kind = K::conversion_year;
    return t;
  }
  if (*text == "/projection/distribution/payout_ratio") {
    t.kind = K::payout_ratio;
    return t;
  }
  if (!tok.empty() && tok[0] == "conversion" && (tok.size() == 3 || tok.size() == 5)) {
    if (!p.conversion) return fail("the scenario has no conversion");
    // /conversion/equity... for a single outcome, /conversion/outcomes/K/equity... for one
    // of several.
    std::size_t at = 1;
    t.outcome = 0;
    if (tok[1] == "outcomes") {
      const std::string& k = tok[2];
      if (k.empty() || k.size() > 3 ||
          !std::all_of(k.begin(), k.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
          std::stoul(k) >= p.conversion->outcomes.size()) {
        return fail("\"" + k + "\" is not an outcome index (0 to " +
                    std::to_string(p.conversion->outcomes.size() - 1) + ")");
      }
      t.outcome = std::stoul(k);
      at = 3;
    } else if (p.conversion->outcomes.size() > 1) {
      return fail("the conversion has several outcomes: target /conversion/outcomes/K/...");
    }
    const ConversionOutcomeSpec& o = p.conversion->outcomes[t.outcome];
    if (tok.size() == at + 2 && tok[at] == "equity_from_claims" && tok[at + 1] == "valuation") {
      if (!o.claims_valuation) return fail("that outcome gives stakes, not claims at a valuation");
      t.kind = K::conversion_valuation;
      return t;
    }
    if (tok.size() == at + 2 && tok[at] == "equity") {
      if (o.equity.empty()) return fail("that outcome derives stakes from claims; it gives none");
      auto h = w.find(tok[at + 1]);
      if (!h) return fail("no holder \"" + tok[at + 1] + "\"");
      t.holder = *h;
      t.kind = K::conversion_stake;
      return t;
    }
    return fail("a conversion target is .../equity_from_claims/valuation or .../equity/<holder>",
                true);
  }
  if ((tok.size() == 3 || tok.size() == 4) && tok[0] == "holders" && tok[2] == "cap") {
    auto h = w.find(tok[1]);
    if (!h) return fail("no holder \"" + tok[1] + "\"");
    t.holder = *h;
    const Holder& hd = w.holders[*h];
    if (tok.size() == 3 && hd.cap && !hd.cap_multiple)
      t.kind = K::cap_amount;
    else if (tok.size() == 4 && tok[3] == "multiple" && hd.cap_multiple)
      t.kind = K::cap_multiple;
    else
      return fail("holder \"" + tok[1] + "\" has " +
                  (!hd.cap           ? "no cap"
                   : hd.cap_multiple ? "a multiple cap (use /cap/multiple)"
                                     : "an absolute cap (use /cap)"));
    return t;
  }
  (void)document;
  return fail("not a supported target", true);
}

// Checks that a correlation matrix (row-major, n × n) over `what` is positive
// semi-definite; the message gives its smallest eigenvalue.
void check_psd(const std::vector<double>& m, std::size_t n, const std::string& what,
               const JsonNode& at, const std::string& ptr, JsonReader& reader) {
  if (n == 0) return;
  Eigen::MatrixXd a(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      a(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = m[i * n + j];
    }
  }
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(a, Eigen::EigenvaluesOnly);
  double smallest = eig.eigenvalues().minCoeff();
  if (smallest < -1e-10) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", smallest);
    reader.error(at, ptr,
                 "the correlation matrix of the " + what +
                     " is not positive semi-definite (smallest eigenvalue " + buf +
                     "): these correlations cannot hold together; weaken some of them");
  }
}

}  // namespace

std::optional<UncertaintySpec> read_uncertainty_spec(const JsonNode* node, const ProjectionSpec& p,
                                                     const WaterfallSpec& w,
                                                     const JsonNode& document, JsonReader& reader) {
  if (node == nullptr) return std::nullopt;
  const std::string ptr = "/uncertainty";
  if (!reader.expect(*node, ptr, JsonNode::Kind::object, "an uncertainty object"))
    return std::nullopt;
  reader.check_keys(*node, ptr,
                    {"inputs", "processes", "correlations", "events", "notes", "source"});
  const std::size_t before = reader.error_count();
  UncertaintySpec u;
  if (const JsonNode* inputs = node->find("inputs")) {
    std::string ip = child(ptr, "inputs");
    if (reader.expect(*inputs, ip, JsonNode::Kind::object, "an object of named random inputs")) {
      for (const auto& [name, spec] : inputs->members) {
        std::string np = child(ip, name);
        if (!reader.expect(spec, np, JsonNode::Kind::object, "a random input object")) continue;
        RandomInputSpec in;
        in.name = name;
        auto d = read_distribution(spec, np, reader);
        if (const JsonNode* t = spec.find("target")) {
          if (auto target = read_target(*t, child(np, "target"), p, w, document, reader))
            in.target = *target;
        }
        if (d) {
          in.distribution = *d;
          u.inputs.push_back(in);
        }
      }
    }
  }
  if (const JsonNode* procs = node->find("processes")) {
    std::string pp = child(ptr, "processes");
    if (reader.expect(*procs, pp, JsonNode::Kind::object, "an object of named yearly processes")) {
      for (const auto& [name, spec] : procs->members) {
        std::string np = child(pp, name);
        if (!reader.expect(spec, np, JsonNode::Kind::object, "a process object")) continue;
        reader.check_keys(spec, np,
                          {"kind", "volatility", "mean_reversion", "line", "min", "max",
                           "from_year", "notes", "source"});
        ProcessSpec pr;
        pr.name = name;
        pr.from_year = p.first_year;
        const JsonNode* kind = spec.find("kind");
        auto k = kind ? reader.string(*kind, child(np, "kind")) : std::nullopt;
        if (kind == nullptr)
          reader.error(spec, np,
                       "missing \"kind\": \"revenue_log_growth\" or \"cost_ratio_shock\"");
        if (k && *k == "revenue_log_growth") {
          pr.kind = ProcessSpec::Kind::revenue_log_growth;
          for (const char* key : {"line", "min", "max"}) {
            if (const JsonNode* x = spec.find(key)) {
              reader.error(*x, child(np, key),
                           std::string("\"") + key + "\" applies to a cost_ratio_shock only");
            }
          }
        } else if (k && *k == "cost_ratio_shock") {
          pr.kind = ProcessSpec::Kind::cost_ratio_shock;
          const JsonNode* line = spec.find("line");
          auto id = line ? reader.string(*line, child(np, "line")) : std::nullopt;
          if (line == nullptr)
            reader.error(spec, np, "a cost_ratio_shock needs \"line\": the cost line it shocks");
          if (id) {
            auto it = std::find_if(p.costs.begin(), p.costs.end(),
                                   [&](const LineSpec& l) { return l.id == *id; });
            if (it == p.costs.end() || it->ratio.empty()) {
              reader.error(*line, child(np, "line"),
                           "\"" + *id + "\" is not a cost line given as a ratio of revenue");
            } else {
              pr.line = static_cast<std::size_t>(it - p.costs.begin());
            }
          }
          if (const JsonNode* x = spec.find("min"))
            if (auto v = number_param(*x, child(np, "min"), reader)) pr.min = *v;
          if (const JsonNode* x = spec.find("max"))
            if (auto v = number_param(*x, child(np, "max"), reader)) pr.max = *v;
          if (pr.min > pr.max) reader.error(spec, np, "min must not exceed max");
        } else if (k) {
          reader.error(*kind, child(np, "kind"),
                       "unknown process kind \"" + *k +
                           "\"; expected \"revenue_log_growth\" or \"cost_ratio_shock\"");
        }
        if (auto v = required(spec, "volatility", np, reader)) {
          if (*v < 0)
            reader.error(*spec.find("volatility"), child(np, "volatility"),
                         "volatility must be >= 0");
          pr.volatility = *v;
        }
        if (const JsonNode* x = spec.find("mean_reversion")) {
          if (auto v = number_param(*x, child(np, "mean_reversion"), reader)) {
            if (*v < 0 || *v > 1)
              reader.error(*x, child(np, "mean_reversion"),
                           "mean_reversion must be in [0, 1] (1 = independent years)");
            pr.mean_reversion = *v;
          }
        }
        if (const JsonNode* x = spec.find("from_year")) {
          if (auto y = year_param(*x, child(np, "from_year"), reader)) pr.from_year = *y;
        }
        u.processes.push_back(pr);
      }
    }
  }
  auto index_of = [](const auto& list, const std::string& name) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (list[i].name == name) return i;
    }
    return std::nullopt;
  };
  const std::size_t ni = u.inputs.size(), np = u.processes.size();
  u.input_correlation.assign(ni * ni, 0.0);
  u.process_correlation.assign(np * np, 0.0);
  for (std::size_t i = 0; i < ni; ++i) u.input_correlation[i * ni + i] = 1;
  for (std::size_t i = 0; i < np; ++i) u.process_correlation[i * np + i] = 1;
  if (const JsonNode* corr = node->find("correlations")) {
    std::string cp = child(ptr, "correlations");
    // Every name declared in the file, valid or not, and the valid ones for messages.
    std::set<std::string> declared;
    for (const char* section : {"inputs", "processes"}) {
      const JsonNode* list = node->find(section);
      if (list != nullptr && list->is_object()) {
        for (const auto& [name, spec] : list->members) declared.insert(name);
      }
    }
    auto known_names = [&] {
      std::string out;
      for (const auto& in : u.inputs) out += (out.empty() ? "inputs: " : ", ") + in.name;
      std::string procs;
      for (const auto& pr : u.processes) procs += (procs.empty() ? "processes: " : ", ") + pr.name;
      if (!procs.empty()) out += (out.empty() ? "" : "; ") + procs;
      return out.empty() ? std::string("none declared") : out;
    };
    std::map<std::pair<std::string, std::string>, std::size_t> pairs;  // pair -> first entry
    if (reader.expect(*corr, cp, JsonNode::Kind::array,
                      "an array of {\"between\": [a, b], \"rho\": r}")) {
      for (std::size_t k = 0; k < corr->items.size(); ++k) {
        const JsonNode& e = corr->items[k];
        std::string ep = child(cp, k);
        if (!reader.expect(e, ep, JsonNode::Kind::object, "{\"between\": [a, b], \"rho\": r}"))
          continue;
        reader.check_keys(e, ep, {"between", "rho", "notes", "source"});
        const JsonNode* between = e.find("between");
        auto rho = required(e, "rho", ep, reader);
        if (between == nullptr || !between->is_array() || between->items.size() != 2 ||
            !between->items[0].is_string() || !between->items[1].is_string()) {
          reader.error(between ? *between : e, child(ep, "between"),
                       "expected two names: [\"a\", \"b\"]");
          continue;
        }
        const std::string& a = between->items[0].text;
        const std::string& b = between->items[1].text;
        if (rho && (*rho < -1 || *rho > 1)) {
          reader.error(*e.find("rho"), child(ep, "rho"), "a correlation must be in [-1, 1]");
          continue;
        }
        if (a == b) {
          reader.error(*between, child(ep, "between"), "a name cannot be correlated with itself");
          continue;
        }
        auto ia = index_of(u.inputs, a), ib = index_of(u.inputs, b);
        auto pa = index_of(u.processes, a), pb = index_of(u.processes, b);
        if (!rho) continue;
        if ((ia && ib) || (pa && pb)) {
          const auto key = std::minmax(a, b);
          auto [it, fresh] = pairs.emplace(std::make_pair(key.first, key.second), k);
          if (!fresh) {
            reader.error(*between, child(ep, "between"),
                         "the pair \"" + a + "\", \"" + b + "\" is already correlated at " +
                             child(cp, it->second) + "; give each pair once");
            continue;
          }
        }
        if (ia && ib) {
          u.input_correlation[*ia * ni + *ib] = u.input_correlation[*ib * ni + *ia] = *rho;
        } else if (pa && pb) {
          u.process_correlation[*pa * np + *pb] = u.process_correlation[*pb * np + *pa] = *rho;
        } else if ((ia || pa) && (ib || pb)) {
          reader.error(
              *between, child(ep, "between"),
              "\"" + (ia ? a : b) + "\" is a per-path input and \"" + (ia ? b : a) +
                  "\" a yearly process; correlate inputs with inputs and processes with processes");
        } else {
          // A name declared but invalid has its own error already.
          const std::string& unknown = declared.count(a) == 0 ? a : b;
          if (declared.count(unknown) == 0) {
            reader.error(*between, child(ep, "between"),
                         "unknown name \"" + unknown +
                             "\": not an input or a process of /uncertainty (" + known_names() +
                             ")");
          }
        }
      }
      if (reader.error_count() == before) {
        check_psd(u.input_correlation, ni, "inputs", *corr, cp, reader);
        check_psd(u.process_correlation, np, "processes", *corr, cp, reader);
      }
    }
  }
  if (const JsonNode* events = node->find("events")) {
    std::string ep = child(ptr, "events");
    if (reader.expect(*events, ep, JsonNode::Kind::object, "an object of events")) {
      reader.check_keys(*events, ep, {"conversion", "crash"});
      auto prob = [&](const JsonNode& e, const std::string& p1) -> std::optional<double> {
        const JsonNode* x = e.find("probability_per_year");
        if (x == nullptr) {
          reader.error(e, p1, "missing \"probability_per_year\"");
          return std::nullopt;
        }
        auto s = reader.share(*x, child(p1, "probability_per_year"));
        return s ? std::optional<double>(to_double(*s)) : std::nullopt;
      };
      auto years = [&](const JsonNode& e, const std::string& p1, Year& from, Year& until) {
        from = p.first_year;
        until = p.last_year;
        if (const JsonNode* x = e.find("from_year"))
          if (auto y = year_param(*x, child(p1, "from_year"), reader)) from = *y;
        if (const JsonNode* x = e.find("until_year"))
          if (auto y = year_param(*x, child(p1, "until_year"), reader)) until = *y;
        if (until < from) reader.error(e, p1, "until_year is before from_year");
      };
      if (const JsonNode* c = events->find("conversion")) {
        std::string p1 = child(ep, "conversion");
        if (reader.expect(*c, p1, JsonNode::Kind::object, "a conversion event")) {
          reader.check_keys(
              *c, p1, {"probability_per_year", "from_year", "until_year", "on", "notes", "source"});
          ConversionEventSpec ev;
          auto pr = prob(*c, p1);
          years(*c, p1, ev.from_year, ev.until_year);
          if (const JsonNode* on = c->find("on")) {
            auto s = reader.string(*on, child(p1, "on"));
            auto digit = [&](std::size_t i) { return (*s)[i] >= '0' && (*s)[i] <= '9'; };
            bool ok = s && s->size() == 5 && (*s)[2] == '-' && digit(0) && digit(1) && digit(3) &&
                      digit(4);
            if (ok) {
              ev.month = ((*s)[0] - '0') * 10 + ((*s)[1] - '0');
              ev.day = ((*s)[3] - '0') * 10 + ((*s)[4] - '0');
              // The same day must exist in every year the event may fall in: no 02-29.
              static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
              ok = ev.month >= 1 && ev.month <= 12 && ev.day >= 1 && ev.day <= kDays[ev.month - 1];
            }
            if (s && !ok)
              reader.error(
                  *on, child(p1, "on"),
                  "expected a day that exists in every year, as \"MM-DD\" (02-29 is not one)");
          }
          if (!p.conversion) {
            reader.error(*c, p1,
                         "a conversion event needs a \"conversion\" section: it gives the equity "
                         "(its date is replaced by the event's)");
          }
          if (pr) {
            ev.probability_per_year = *pr;
            u.conversion = ev;
          }
        }
      }
      if (const JsonNode* c = events->find("crash")) {
        std::string p1 = child(ep, "crash");
        if (reader.expect(*c, p1, JsonNode::Kind::object, "a crash event")) {
          reader.check_keys(*c, p1,
                            {"probability_per_year", "from_year", "until_year", "growth_cut",
                             "years", "stops_new_rounds", "notes", "source"});
          CrashEventSpec ev;
          auto pr = prob(*c, p1);
          years(*c, p1, ev.from_year, ev.until_year);
          if (auto cut = required(*c, "growth_cut", p1, reader)) {
            if (*cut <= -1)
              reader.error(*c->find("growth_cut"), child(p1, "growth_cut"),
                           "growth_cut must be above -100%");
            ev.growth_cut = *cut;
          }
          if (const JsonNode* y = c->find("years")) {
            auto v = number_param(*y, child(p1, "years"), reader);
            if (v && (*v < 1 || *v > 50 || *v != std::floor(*v)))
              reader.error(*y, child(p1, "years"), "expected a whole number of years, 1 to 50");
            else if (v)
              ev.years = static_cast<int>(*v);
          }
          if (const JsonNode* s = c->find("stops_new_rounds")) {
            if (auto b = reader.boolean(*s, child(p1, "stops_new_rounds")))
              ev.stops_new_rounds = *b;
          }
          if (pr) {
            ev.probability_per_year = *pr;
            u.crash = ev;
          }
        }
      }
    }
  }
  if (reader.error_count() != before) return std::nullopt;
  return u;
}

}  // namespace capflow
