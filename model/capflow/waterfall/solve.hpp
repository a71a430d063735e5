#pragma once
// The inverse of the allocation: the total profit at which a holder has received a given
// amount, read exactly off the breakpoints (capflow waterfall --solve).

#include <optional>

#include "capflow/waterfall/breakpoints.hpp"

namespace capflow {

struct SolveResult {
  // The smallest total profit at which the holder has received `amount`; nullopt when
  // no profit is enough (the holder is capped below it, or its share ends first).
  std::optional<Money> profit;
  // The most the holder ever receives: its receipts on the last, open-ended segment when
  // its share of it is 0; nullopt when its receipts grow without bound.
  std::optional<Money> ceiling;
};

// REQUIRES: holder < holder count of the table, amount >= 0.
// The allocation is piecewise linear and non-decreasing in profit, so the first segment
// whose end value reaches `amount` holds the answer, on a flat stretch its left end.
SolveResult solve_profit(const BreakpointTable& table, HolderIndex holder, const Money& amount);

}  // namespace capflow
