#pragma once
// What `capflow diff` compares exactly between two scenarios: their inputs (the resolved
// documents, after "extends" and --set), and the deterministic answers: the waterfall's
// allocations at the profits where either side's shares change, and the base-case
// projection's totals.

#include <optional>
#include <string>
#include <vector>

#include "capflow/terms/scenario.hpp"
#include "capflow/whatif/comparison.hpp"

namespace capflow {

// One input that differs: compact JSON of each side, nullopt where the value is absent.
// A section present on one side only is listed leaf by leaf.
struct InputChange {
  std::string pointer;
  std::optional<std::string> a, b;
};

struct InputDiff {
  std::vector<InputChange> changes;  // model inputs, in document order (A's, then B's)
  // Changes under keys that only describe (title, description, sources, notes, name):
  // counted, not listed; they change no number.
  std::size_t descriptive = 0;
};

// Compares two resolved scenario documents value by value. Numbers and strings that
// are the same money ("92B" and 92000000000) or the same share ("49%" and 0.49) are equal.
InputDiff diff_inputs(const JsonNode& a, const JsonNode& b);

// The waterfalls compared exactly at every breakpoint profit of either side and at the
// extra profits: each common holder's receipts (pointer
// /allocations/PROFIT/holders/ID/received, PROFIT in cents), then for each holder capped
// on either side its cap (/caps/ID/cap) and the total profit at which it reaches it
// (/caps/ID/profit_at_cap).
std::vector<Comparison> compare_waterfalls(const Scenario& a, const Scenario& b,
                                           const std::vector<Money>& extra_profits);

// The exact base-case projections compared (REQUIRES: both have a projection): per
// common holder /holders/ID/{total,pv,moic,cap_year}, and /company/{first_profit_year,
// worst_cumulative_result,peak_funding_need,deadline_missed,refund_owed}, as in the
// JSON of `capflow project`.
std::vector<Comparison> compare_projections(const Scenario& a, const Scenario& b);

}  // namespace capflow
