#pragma once
// One year of a Monte Carlo path's yearly processes (internal to monte_carlo*.cpp),
// written once for one path (T = double, draw_processes) and for kWidth paths side by
// side (T = lanes::Real, draw_lanes): the lanes then do the one-path operations in the
// same order, so both give a path the same bits.

#include <cstddef>

#include "capflow/montecarlo/monte_carlo.hpp"
#include "capflow/simd/fast_math.hpp"
#include "capflow/simd/lanes.hpp"

namespace capflow {

template <std::size_t NP, class T, class Inputs>
[[gnu::always_inline]] inline void MonteCarlo::process_year(int i, const T* normals,
                                                            std::size_t stride, T* z_out, T* y_out,
                                                            T* shock, Inputs& in) const {
  const std::size_t np = NP > 0 ? NP : processes_.size();
  T z_here[NP > 0 ? NP : 1], y_here[NP > 0 ? NP : 1];
  T* const z = NP > 0 ? z_here : z_out;
  T* const y = NP > 0 ? y_here : y_out;
  const auto iu = static_cast<std::size_t>(i);
  const Year t = terms_.first_year + i;
#pragma GCC unroll 4
  for (std::size_t k = 0; k < np; ++k) z[k] = normals[k * stride + iu];
  const T* shocks = z;
  if (!process_chol_.empty()) {
#pragma GCC unroll 4
    for (std::size_t r = 0; r < np; ++r) {
      T acc{};
#pragma GCC unroll 4
      for (std::size_t c = 0; c <= r; ++c) acc += process_chol_[r * np + c] * z[c];
      y[r] = acc;
    }
    shocks = y;
  }
#pragma GCC unroll 4
  for (std::size_t k = 0; k < np; ++k) {
    const ProcessSpec& pr = processes_[k];
    if (t < pr.from_year) continue;
    shock[k] = (1 - pr.mean_reversion) * shock[k] + pr.volatility * shocks[k];
    if (pr.kind == ProcessSpec::Kind::revenue_log_growth) {
      in.revenue_growth_factor[iu] *= fast_math::exp(shock[k]);
    } else if (terms_.cost_kind[pr.line][iu] == ProjectionTerms<double>::CostKind::ratio) {
      // std::clamp(v, min, max): v < min ? min : max < v ? max : v.
      const T v = in.cost_value[pr.line][iu] + shock[k];
      in.cost_value[pr.line][iu] =
          fast_math::pick(v < pr.min, fast_math::constant<T>(pr.min),
                          fast_math::pick(pr.max < v, fast_math::constant<T>(pr.max), v));
    }
  }
}

}  // namespace capflow
