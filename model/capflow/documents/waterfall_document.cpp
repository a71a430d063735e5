#include "capflow/documents/waterfall_document.hpp"

#include "capflow/documents/provenance.hpp"

#include <stdexcept>

#include "capflow/waterfall/rounding.hpp"

namespace capflow {
namespace {

using ojson = nlohmann::ordered_json;

ojson tier_json(const WaterfallSpec& spec, std::optional<std::size_t> tier) {
  if (!tier) return nullptr;
  std::string name = *tier == spec.tiers.size()
                         ? "after the last tier: all to " + spec.holders[spec.residual].id
                         : spec.tiers[*tier].name;
  return ojson{{"index", *tier}, {"name", name}};
}

ojson solve_json(const WaterfallSpec& spec, const Solved& x) {
  const Holder& h = spec.holders[x.holder];
  ojson j;
  j["holder"] = h.id;
  j["amount"] = format_cents(round_to_cents(x.amount));
  j["reached"] = x.result.profit.has_value();
  if (x.result.profit) {
    j["profit"] = format_cents(ceil_cents(*x.result.profit));
    j["profit_exact"] = exact_text(*x.result.profit);
    j["last_tier"] = tier_json(spec, x.last_tier);
  } else {
    j["profit"] = nullptr;
    j["ceiling"] = format_cents(round_to_cents(*x.result.ceiling));
    j["ceiling_profit"] = format_cents(ceil_cents(x.ceiling_profit));
    j["message"] = never_text(spec, x);
  }
  j["cap"] = h.cap ? ojson(format_cents(round_to_cents(*h.cap))) : ojson(nullptr);
  return j;
}

}  // namespace

Allocation allocate(const WaterfallTerms<Rational>& terms, const Money& p) {
  Waterfall<Rational> w(terms);
  w.distribute(p);
  Allocation a{p, w.received(), {}, w.last_tier()};
  for (std::size_t h = 0; h < terms.holder_count; ++h) a.at_cap.push_back(w.at_cap(h));
  return a;
}

Solved solve(const WaterfallTerms<Rational>& terms, const BreakpointTable& table,
             HolderIndex holder, const Money& amount) {
  Solved x{holder, amount, {}, 0, std::nullopt};
  x.result = solve_profit(table, x.holder, x.amount);
  if (!x.result.profit) {
    x.ceiling_profit = *solve_profit(table, x.holder, *x.result.ceiling).profit;
  }
  Waterfall<Rational> w(terms);
  w.distribute(x.result.profit ? *x.result.profit : x.ceiling_profit);
  x.last_tier = w.last_tier();
  // The inverse is read off the corners; the engine itself must agree exactly.
  if (x.result.profit && w.received()[x.holder] != x.amount) {
    throw std::logic_error("--solve: the engine gives " + w.received()[x.holder].str() +
                           " at the solved profit, not " + x.amount.str());
  }
  return x;
}

std::string share_text(const Money& part, const Money& whole) {
  return whole == 0 ? "" : format_decimal(part / whole, 12);
}

// Exact text of a rational: a decimal when it terminates, else "numerator/denominator".
std::string exact_text(const Rational& v) {
  Integer d = denominator(v);
  int places = 0;
  while (d % 10 == 0) d /= 10, ++places;
  while (d % 2 == 0) d /= 2, ++places;
  while (d % 5 == 0) d /= 5, ++places;
  if (d == 1) return format_decimal(v, places);
  return numerator(v).str() + "/" + denominator(v).str();
}

// Why the amount is never reached, in words.
std::string never_text(const WaterfallSpec& spec, const Solved& x) {
  const Holder& h = spec.holders[x.holder];
  const Money& ceiling = *x.result.ceiling;
  // When the short forms look alike ("never receives $125.51B: it is capped at $125.51B"),
  // the amount's cents show the difference.
  std::string amount = format_money_short(x.amount);
  if (amount == format_money_short(ceiling)) amount += " ($" + exact_text(x.amount) + ")";
  std::string why = h.id + " never receives " + amount + ": ";
  if (h.cap && ceiling == *h.cap) {
    why += "it is capped at " + format_money_short(*h.cap) + " ($" +
           format_cents_grouped(round_to_cents(*h.cap)) + ")";
  } else {
    why += "it receives at most " + format_money_short(ceiling) + " ($" +
           format_cents_grouped(round_to_cents(ceiling)) + "; no later tier gives it a share)";
  }
  if (ceiling > 0) {
    why += ", reached at a total profit of $" + format_cents_grouped(ceil_cents(x.ceiling_profit));
  }
  return why;
}

ojson waterfall_document(const Scenario& s, const std::vector<Allocation>& allocations,
                         const std::optional<BreakpointTable>& bps,
                         const std::vector<Solved>& solved,
                         const std::vector<std::string>& overrides) {
  const WaterfallSpec& spec = s.waterfall;
  ojson out;
  out["meta"] = provenance(kWaterfallSchema, s, overrides);
  out["scenario"] = {{"file", s.file}, {"title", s.title}};
  if (!allocations.empty()) {
    ojson list = ojson::array();
    for (const auto& a : allocations) {
      std::vector<Integer> cents = allocate_cents(a.received);
      ojson holders = ojson::object();
      for (std::size_t h = 0; h < spec.holders.size(); ++h) {
        const Holder& hd = spec.holders[h];
        ojson entry;
        entry["received"] = format_cents(cents[h]);
        entry["capped"] = static_cast<bool>(a.at_cap[h]);
        entry["cap"] = hd.cap ? ojson(format_cents(round_to_cents(*hd.cap))) : ojson(nullptr);
        entry["share_of_profit"] =
            a.profit == 0 ? ojson(nullptr) : ojson(share_text(a.received[h], a.profit));
        entry["name"] = hd.name;
        holders[hd.id] = entry;
      }
      list.push_back({{"profit", format_cents(round_to_cents(a.profit))},
                      {"last_tier", tier_json(spec, a.last_tier)},
                      {"holders", holders}});
    }
    out["allocations"] = list;
  }
  if (bps) {
    ojson initial = ojson::object();
    for (std::size_t h = 0; h < spec.holders.size(); ++h) {
      initial[spec.holders[h].id] = {{"marginal_share", format_decimal(bps->initial_marginal[h])}};
    }
    out["initial"] = {
        {"profit", "0.00"}, {"tier", tier_json(spec, bps->initial_tier)}, {"holders", initial}};
    ojson list = ojson::array();
    for (const auto& b : bps->points) {
      std::vector<Integer> cents = allocate_cents(b.received);
      ojson holders = ojson::object();
      for (std::size_t h = 0; h < spec.holders.size(); ++h) {
        holders[spec.holders[h].id] = {{"received", format_cents(cents[h])},
                                       {"marginal_share", format_decimal(b.marginal[h])}};
      }
      list.push_back({{"profit", format_cents(round_to_cents(b.profit))},
                      {"tier", tier_json(spec, b.tier)},
                      {"holders", holders}});
    }
    out["breakpoints"] = list;
  }
  if (!solved.empty()) {
    ojson list = ojson::array();
    for (const auto& x : solved) list.push_back(solve_json(spec, x));
    out["solve"] = list;
  }
  return out;
}

}  // namespace capflow
