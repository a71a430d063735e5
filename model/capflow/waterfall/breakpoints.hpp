#pragma once
// The profit levels where some holder's marginal share changes: the corners of the
// piecewise-linear allocation function, computed exactly.

#include <vector>

#include "capflow/waterfall/waterfall.hpp"

namespace capflow {

struct Breakpoint {
  Money profit;                 // cumulative profit at the corner
  std::vector<Money> received;  // each holder's cumulative receipts there
  std::vector<Share> marginal;  // each holder's share of the next dollar
  std::size_t tier = 0;         // tier the next dollar enters (tier count = past the last)
};

struct BreakpointTable {
  std::vector<Share> initial_marginal;  // shares of the first dollar
  std::size_t initial_tier = 0;
  std::vector<Breakpoint> points;  // increasing profit; only real changes of shares
};

// Walks the waterfall segment by segment from zero profit under the caps of the terms.
BreakpointTable breakpoints(const WaterfallTerms<Rational>& terms);

// Exact allocation at `profit` from a breakpoint table (linear between corners): the
// inverse check used by tests and by --solve.
std::vector<Money> allocation_from_breakpoints(const BreakpointTable& table, const Money& profit);

// The allocation at fixed caps as a double lookup table: the exact corners of
// breakpoints(), evaluated by binary search and one linear step. For many allocations
// of total profit under one set of caps (sweeps, charts) it is several times faster
// than stepping through the segments; results agree with Waterfall<double> to rounding.
class CompiledAllocation {
 public:
  explicit CompiledAllocation(const BreakpointTable& table);
  std::size_t holders() const { return holders_; }
  // Writes each holder's receipts at `profit` (>= 0) into out[0..holders()).
  void allocate(double profit, double* out) const;

 private:
  std::size_t holders_ = 0;
  std::vector<double> start_;     // corner profits, the first is 0
  std::vector<double> received_;  // corners × holders
  std::vector<double> slope_;     // corners × holders: marginal shares after each corner
};

}  // namespace capflow
