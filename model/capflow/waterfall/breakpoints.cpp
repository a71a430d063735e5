#include "capflow/waterfall/breakpoints.hpp"

#include <algorithm>

namespace capflow {

BreakpointTable breakpoints(const WaterfallTerms<Rational>& terms) {
  BreakpointTable table;
  Waterfall<Rational> w(terms);
  std::vector<Share> marginal;
  std::optional<Money> length = w.next_segment(marginal);
  table.initial_marginal = marginal;
  table.initial_tier = w.current_tier();
  std::vector<Share> previous = marginal;
  // Each segment ends a tier or caps a holder; the guard only protects against a bug.
  const std::size_t max_segments = 2 * (terms.tiers.size() + terms.holder_count) + 4;
  for (std::size_t i = 0; length && i < max_segments; ++i) {
    w.distribute(*length);
    length = w.next_segment(marginal);
    if (marginal == previous) continue;  // a tier ended without changing anyone's share
    table.points.push_back({w.distributed(), w.received(), marginal, w.current_tier()});
    previous = marginal;
  }
  return table;
}

std::vector<Money> allocation_from_breakpoints(const BreakpointTable& table, const Money& profit) {
  std::vector<Money> received(table.initial_marginal.size(), Money(0));
  Money base = 0;
  const std::vector<Share>* slope = &table.initial_marginal;
  for (const Breakpoint& b : table.points) {
    if (b.profit > profit) break;
    received = b.received;
    base = b.profit;
    slope = &b.marginal;
  }
  for (std::size_t h = 0; h < received.size(); ++h) received[h] += (*slope)[h] * (profit - base);
  return received;
}

CompiledAllocation::CompiledAllocation(const BreakpointTable& table)
    : holders_(table.initial_marginal.size()) {
  start_.push_back(0);
  received_.assign(holders_, 0.0);
  for (const Share& m : table.initial_marginal) slope_.push_back(to_double(m));
  for (const Breakpoint& b : table.points) {
    start_.push_back(to_double(b.profit));
    for (const Money& r : b.received) received_.push_back(to_double(r));
    for (const Share& m : b.marginal) slope_.push_back(to_double(m));
  }
}

void CompiledAllocation::allocate(double profit, double* out) const {
  // Last corner at or below the profit.
  const auto it = std::upper_bound(start_.begin(), start_.end(), profit);
  const auto k = static_cast<std::size_t>(it - start_.begin()) - 1;
  const double excess = profit - start_[k];
  const double* base = &received_[k * holders_];
  const double* slope = &slope_[k * holders_];
  for (std::size_t h = 0; h < holders_; ++h) out[h] = base[h] + slope[h] * excess;
}

}  // namespace capflow
