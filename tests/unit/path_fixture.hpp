#pragma once
// What the engine-equivalence tests share: bitwise comparison of doubles and random
// perturbations of a path's inputs.

#include <cstring>
#include <random>

#include "capflow/projection.hpp"

namespace capflow::testing {

inline bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
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
