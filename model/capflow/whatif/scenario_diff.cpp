#include "capflow/whatif/scenario_diff.hpp"

#include <algorithm>
#include <set>

#include "capflow/projection/projection.hpp"
#include "capflow/waterfall/breakpoints.hpp"
#include "capflow/waterfall/solve.hpp"

namespace capflow {
namespace {

bool descriptive_key(const std::string& key) {
  static const std::set<std::string> keys{"title",  "description", "sources",
                                          "notes",  "name",        "source",
                                          "figure", "assumption",  "confidence"};
  return keys.count(key) > 0;
}

// The value a scalar stands for, when it reads as money or as a share.
std::optional<Rational> scalar_value(const JsonNode& n) {
  if (!n.is_number() && !n.is_string()) return std::nullopt;
  if (auto m = parse_money(n.text)) return m.value();
  if (auto s = parse_share(n.text)) return s.value();
  return std::nullopt;
}

bool same_scalar(const JsonNode& a, const JsonNode& b) {
  if (dump(a) == dump(b)) return true;
  const auto x = scalar_value(a), y = scalar_value(b);
  return x && y && *x == *y;
}

struct Walker {
  InputDiff& out;

  void record(const std::string& ptr, bool descriptive, const JsonNode* a, const JsonNode* b) {
    if (descriptive) {
      ++out.descriptive;
      return;
    }
    // A value on one side only: list its leaves, so that every change has the pointer of
    // one value (a whole "conversion" section reads as its date, its valuation, ...).
    const JsonNode* only = a == nullptr ? b : b == nullptr ? a : nullptr;
    if (only != nullptr && only->is_object() && !only->members.empty()) {
      for (const auto& [k, v] : only->members) {
        const JsonNode* x = a == nullptr ? nullptr : &v;
        record(ptr + "/" + pointer_token(k), descriptive_key(k), x, x == nullptr ? &v : nullptr);
      }
      return;
    }
    if (only != nullptr && only->is_array() && !only->items.empty()) {
      for (std::size_t i = 0; i < only->items.size(); ++i) {
        const JsonNode* v = &only->items[i];
        record(ptr + "/" + std::to_string(i), false, a == nullptr ? nullptr : v,
               a == nullptr ? v : nullptr);
      }
      return;
    }
    InputChange c{ptr, std::nullopt, std::nullopt};
    if (a != nullptr) c.a = dump(*a);
    if (b != nullptr) c.b = dump(*b);
    out.changes.push_back(std::move(c));
  }

  void walk(const std::string& ptr, bool descriptive, const JsonNode& a, const JsonNode& b) {
    if (a.is_object() && b.is_object()) {
      for (const auto& [k, v] : a.members) {
        const std::string here = ptr + "/" + pointer_token(k);
        const bool desc = descriptive || descriptive_key(k);
        if (const JsonNode* w = b.find(k)) {
          walk(here, desc, v, *w);
        } else {
          record(here, desc, &v, nullptr);
        }
      }
      for (const auto& [k, w] : b.members) {
        if (a.find(k) == nullptr) {
          record(ptr + "/" + pointer_token(k), descriptive || descriptive_key(k), nullptr, &w);
        }
      }
      return;
    }
    if (a.is_array() && b.is_array()) {
      const std::size_t n = std::max(a.items.size(), b.items.size());
      for (std::size_t i = 0; i < n; ++i) {
        const std::string here = ptr + "/" + std::to_string(i);
        if (i >= a.items.size()) {
          record(here, descriptive, nullptr, &b.items[i]);
        } else if (i >= b.items.size()) {
          record(here, descriptive, &a.items[i], nullptr);
        } else {
          walk(here, descriptive, a.items[i], b.items[i]);
        }
      }
      return;
    }
    if (!same_scalar(a, b)) record(ptr, descriptive, &a, &b);
  }
};

Comparison exact(std::string pointer, Unit unit, const Rational& a, const Rational& b) {
  Comparison c;
  c.pointer = std::move(pointer);
  c.unit = unit;
  c.a = to_double(a);
  c.b = to_double(b);
  c.a_exact = a;
  c.b_exact = b;
  return c;
}

Comparison exact_opt(std::string pointer, Unit unit, const std::optional<Rational>& a,
                     const std::optional<Rational>& b) {
  if (a && b) return exact(std::move(pointer), unit, *a, *b);
  Comparison c;
  c.pointer = std::move(pointer);
  c.unit = unit;
  if (a) c.a = to_double(*a), c.a_exact = *a;
  if (b) c.b = to_double(*b), c.b_exact = *b;
  // "none" keeps a one-sided value visible as a difference (e.g. no cap year on one side).
  if (!a) c.a_text = "none";
  if (!b) c.b_text = "none";
  return c;
}

// A holder's amount where the other scenario has no such holder: shown as absent there.
Comparison one_sided(std::string pointer, const Rational& v, bool in_a) {
  Comparison c;
  c.pointer = std::move(pointer);
  c.unit = Unit::money;
  (in_a ? c.a : c.b) = to_double(v);
  (in_a ? c.a_exact : c.b_exact) = v;
  return c;
}

Comparison text(std::string pointer, std::string a, std::string b) {
  Comparison c;
  c.pointer = std::move(pointer);
  c.unit = Unit::text;
  c.a_text = std::move(a);
  c.b_text = std::move(b);
  return c;
}

}  // namespace

InputDiff diff_inputs(const JsonNode& a, const JsonNode& b) {
  InputDiff out;
  Walker{out}.walk("", false, a, b);
  return out;
}

std::vector<Comparison> compare_waterfalls(const Scenario& a, const Scenario& b,
                                           const std::vector<Money>& extra_profits) {
  const auto terms_a = WaterfallTerms<Rational>::from(a.waterfall);
  const auto terms_b = WaterfallTerms<Rational>::from(b.waterfall);
  const BreakpointTable table_a = breakpoints(terms_a);
  const BreakpointTable table_b = breakpoints(terms_b);
  std::vector<Money> profits = extra_profits;
  for (const auto& p : table_a.points) profits.push_back(p.profit);
  for (const auto& p : table_b.points) profits.push_back(p.profit);
  std::sort(profits.begin(), profits.end());
  profits.erase(std::unique(profits.begin(), profits.end()), profits.end());
  // Allocations are linear between breakpoints and past the last one: agreeing at every
  // breakpoint of both and at one profit beyond the last, they agree at every profit.
  const bool none = profits.empty() || profits.back() <= 0;
  profits.push_back(none ? Money(1000000000) : profits.back() * 2);

  std::vector<Comparison> out;
  for (const Money& profit : profits) {
    const auto ra = allocation_from_breakpoints(table_a, profit);
    const auto rb = allocation_from_breakpoints(table_b, profit);
    const std::string base = "/allocations/" + format_cents(round_to_cents(profit)) + "/holders/";
    for (std::size_t ha = 0; ha < a.waterfall.holders.size(); ++ha) {
      const std::string& id = a.waterfall.holders[ha].id;
      const auto hb = b.waterfall.find(id);
      if (hb) {
        out.push_back(exact(base + pointer_token(id) + "/received", Unit::money, ra[ha], rb[*hb]));
      } else {
        out.push_back(one_sided(base + pointer_token(id) + "/received", ra[ha], true));
      }
    }
    for (std::size_t hb = 0; hb < b.waterfall.holders.size(); ++hb) {
      const std::string& id = b.waterfall.holders[hb].id;
      if (a.waterfall.find(id)) continue;
      out.push_back(one_sided(base + pointer_token(id) + "/received", rb[hb], false));
    }
  }
  // Caps and where they are reached, for every holder capped on either side.
  auto cap_of = [](const Scenario& s, const std::string& id) -> std::optional<Rational> {
    const auto h = s.waterfall.find(id);
    if (!h) return std::nullopt;
    return s.waterfall.holders[*h].cap;
  };
  auto reached_at = [](const Scenario& s, const BreakpointTable& t,
                       const std::string& id) -> std::optional<Rational> {
    const auto h = s.waterfall.find(id);
    if (!h || !s.waterfall.holders[*h].cap) return std::nullopt;
    // Rounded up to the cent, as `waterfall --solve` prints it: at that profit the cap is
    // reached, one cent less it is not.
    const auto p = solve_profit(t, *h, *s.waterfall.holders[*h].cap).profit;
    return p ? std::optional<Rational>(Rational(ceil_cents(*p), 100)) : std::nullopt;
  };
  std::vector<std::string> ids;
  for (const auto& h : a.waterfall.holders) ids.push_back(h.id);
  for (const auto& h : b.waterfall.holders) {
    if (!a.waterfall.find(h.id)) ids.push_back(h.id);
  }
  for (const auto& id : ids) {
    const auto ca = cap_of(a, id), cb = cap_of(b, id);
    if (!ca && !cb) continue;
    const std::string base = "/caps/" + pointer_token(id);
    out.push_back(exact_opt(base + "/cap", Unit::money, ca, cb));
    out.push_back(exact_opt(base + "/profit_at_cap", Unit::money, reached_at(a, table_a, id),
                            reached_at(b, table_b, id)));
  }
  return out;
}

std::vector<Comparison> compare_projections(const Scenario& a, const Scenario& b) {
  auto run = [](const Scenario& s) {
    const auto terms = ProjectionTerms<Rational>::from(*s.projection, s.waterfall);
    return project(terms, terms.base_inputs(*s.projection, s.waterfall)).summary;
  };
  const PathSummary<Rational> x = run(a);
  const PathSummary<Rational> y = run(b);
  const Year fa = a.projection->first_year, fb = b.projection->first_year;
  std::vector<Comparison> out;
  for (std::size_t ha = 0; ha < a.waterfall.holders.size(); ++ha) {
    const std::string& id = a.waterfall.holders[ha].id;
    const auto found = b.waterfall.find(id);
    if (!found) continue;
    const std::size_t hb = *found;
    const std::string base = "/holders/" + pointer_token(id);
    const Rational ta = x.total_received[ha] + x.total_other[ha];
    const Rational tb = y.total_received[hb] + y.total_other[hb];
    out.push_back(exact(base + "/total", Unit::money, ta, tb));
    out.push_back(exact(base + "/pv", Unit::money, x.pv[ha], y.pv[hb]));
    auto moic = [](const Rational& total, const Rational& invested) -> std::optional<Rational> {
      if (invested > 0) return total / invested;
      return std::nullopt;
    };
    const auto ma = moic(ta, x.invested_total[ha]), mb = moic(tb, y.invested_total[hb]);
    if (ma || mb) {
      Comparison c = exact_opt(base + "/moic", Unit::ratio, ma, mb);
      out.push_back(std::move(c));
    }
    auto cap_year = [](int index, Year first) -> std::optional<Rational> {
      if (index < 0) return std::nullopt;
      return Rational(first + index);
    };
    const auto ya = cap_year(x.cap_year_index[ha], fa), yb = cap_year(y.cap_year_index[hb], fb);
    if (ya || yb) out.push_back(exact_opt(base + "/cap_year", Unit::year, ya, yb));
  }
  auto year = [](int index, Year first) -> std::optional<Rational> {
    if (index < 0) return std::nullopt;
    return Rational(first + index);
  };
  out.push_back(exact_opt("/company/first_profit_year", Unit::year, year(x.first_profit_index, fa),
                          year(y.first_profit_index, fb)));
  out.push_back(exact("/company/worst_cumulative_result", Unit::money, x.worst_cumulative_result,
                      y.worst_cumulative_result));
  out.push_back(
      exact("/company/peak_funding_need", Unit::money, x.peak_funding_need, y.peak_funding_need));
  out.push_back(text("/company/deadline_missed", x.deadline_missed ? "true" : "false",
                     y.deadline_missed ? "true" : "false"));
  out.push_back(exact("/company/refund_owed", Unit::money, x.refund_owed, y.refund_owed));
  return out;
}

}  // namespace capflow
