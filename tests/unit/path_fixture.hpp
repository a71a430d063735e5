#pragma once
// What the engine-equivalence tests share: bitwise comparison of doubles and of path
// summaries, and random perturbations of a path's inputs.

#include <doctest/doctest.h>

#include <cstring>
#include <random>

#include "capflow/projection/projection.hpp"

namespace capflow::testing {

inline bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

// Every field of two path summaries, bit for bit.
inline void check_same(const PathSummary<double>& a, const PathSummary<double>& b) {
  for (std::size_t h = 0; h < a.pv.size(); ++h) {
    CAPTURE(h);
    CHECK(same_bits(a.total_received[h], b.total_received[h]));
    CHECK(same_bits(a.terminal_claim[h], b.terminal_claim[h]));
    CHECK(same_bits(a.total_other[h], b.total_other[h]));
    CHECK(same_bits(a.pv[h], b.pv[h]));
    CHECK(same_bits(a.invested_total[h], b.invested_total[h]));
    CHECK(a.cap_year_index[h] == b.cap_year_index[h]);
    CHECK(a.ended_at_cap[h] == b.ended_at_cap[h]);
  }
  CHECK(a.deadline_missed == b.deadline_missed);
  CHECK(same_bits(a.refund_owed, b.refund_owed));
  CHECK(a.first_profit_index == b.first_profit_index);
  CHECK(same_bits(a.worst_cumulative_result, b.worst_cumulative_result));
  CHECK(same_bits(a.total_funding_need, b.total_funding_need));
  CHECK(same_bits(a.peak_funding_need, b.peak_funding_need));
}

// Perturbs everything a path may change, in ranges wide enough to cross every cap and
// to make some years lose money.
inline void perturb(PathInputs<double>& in, std::mt19937_64& rng) {
  std::lognormal_distribution<double> factor(0.0, 0.6);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (auto& g : in.revenue_growth_factor) g *= factor(rng);
  for (auto& line : in.cost_value) {
    for (auto& v : line) v *= 0.5 + unit(rng);
  }
  for (auto& c : in.cap_amount) c *= factor(rng);
  for (auto& m : in.cap_multiple) m *= factor(rng);
  for (auto& g : in.cap_growth) g *= 0.8 + 0.4 * unit(rng);
  in.terminal_multiple *= 2 * unit(rng);
}

}  // namespace capflow::testing
