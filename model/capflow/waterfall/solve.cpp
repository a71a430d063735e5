#include "capflow/waterfall/solve.hpp"

namespace capflow {

SolveResult solve_profit(const BreakpointTable& table, HolderIndex holder, const Money& amount) {
  SolveResult out;
  if (amount <= 0) {
    out.profit = Money(0);
    return out;
  }
  Money start = 0;
  Money received = 0;
  const Share* slope = &table.initial_marginal[holder];
  for (std::size_t k = 0;; ++k) {
    const bool last = k == table.points.size();
    if (*slope > 0) {
      const Money at = start + (amount - received) / *slope;
      if (last || at <= table.points[k].profit) {
        out.profit = at;
        return out;
      }
    }
    if (last) {
      out.ceiling = received;  // the slope of the open-ended segment is 0
      return out;
    }
    const Breakpoint& b = table.points[k];
    start = b.profit;
    received = b.received[holder];
    slope = &b.marginal[holder];
  }
}

}  // namespace capflow
