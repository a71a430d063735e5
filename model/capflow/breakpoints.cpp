#include "capflow/breakpoints.hpp"

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

}  // namespace capflow
