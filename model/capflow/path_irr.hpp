#pragma once
// The IRR of one Monte Carlo path's yearly flows, fast (Newton from a good guess), for
// one path or for kWidth paths side by side. The lane version takes each lane through
// the scalar's steps with the scalar's operations, so both give the same bits; a lane
// that would leave Newton for the safe path is handed to the scalar function.

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "capflow/fast_math.hpp"
#include "capflow/lanes.hpp"

namespace capflow {

// IRR of yearly flows cf[0..n) (cf[k] at year origin + k): the root x = 1/(1+r) of
// Σ cf_k x^k. Newton from a guess made of the multiple and the mean holding time
// (four or five steps on typical flows), falling back to bisection on a bracket when a
// step leaves it. nullopt when the flows do not change sign; -1 for money in and
// nothing back.
inline std::optional<double> path_irr(const double* cf, int n) {
  double paid = 0, got = 0, t_paid = 0, t_got = 0;
  for (int k = 0; k < n; ++k) {
    if (cf[k] < 0) {
      paid -= cf[k];
      t_paid -= cf[k] * k;
    } else if (cf[k] > 0) {
      got += cf[k];
      t_got += cf[k] * k;
    }
  }
  if (paid == 0) return std::nullopt;
  if (got == 0) return -1.0;
  auto f = [&](double x, double& df) {
    double v = 0, d = 0;
    for (int k = n - 1; k >= 0; --k) {
      d = d * x + v;
      v = v * x + cf[k];
    }
    df = d;
    return v;
  };
  const double years = std::max(0.5, t_got / got - t_paid / paid);
  double x =
      fast_math::exp(1.0 / years * fast_math::log(paid / got));  // 1/(1+r) for a single in-out pair
  for (int it = 0; it < 12; ++it) {
    double df;
    const double fx = f(x, df);
    if (df == 0 || !std::isfinite(fx)) break;
    const double next = x - fx / df;
    if (!(next > 0) || !std::isfinite(next)) break;
    if (std::fabs(next - x) <= 1e-13 * x) return 1 / next - 1;
    x = next;
  }
  // Safe path: bracket the root in x and bisect with Newton steps kept inside.
  double df;
  double lo = 1e-9, hi = 1.0;
  double f_lo = f(lo, df), f_hi = f(hi, df);
  for (int guard = 0; (f_lo < 0) == (f_hi < 0) && guard < 60; ++guard) {
    hi *= 2;
    f_hi = f(hi, df);
  }
  if ((f_lo < 0) == (f_hi < 0)) return std::nullopt;
  x = (lo + hi) / 2;
  for (int it = 0; it < 200; ++it) {
    const double fx = f(x, df);
    if ((fx < 0) == (f_lo < 0)) {
      lo = x;
      f_lo = fx;
    } else {
      hi = x;
    }
    double next = df != 0 ? x - fx / df : (lo + hi) / 2;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (std::fabs(next - x) <= 1e-14 * x) return 1 / next - 1;
    x = next;
  }
  return 1 / x - 1;
}

// path_irr for every lane of cf[0..n) (lane l of cf[k] is path l's flow in year k).
// out[l] is what path_irr gives for lane l's flows.
CAPFLOW_LANES_INLINE void path_irr(const lanes::Real* cf, int n,
                                   std::optional<double> out[lanes::kWidth]) {
  using lanes::Mask;
  using lanes::Real;
  using lanes::select;
  Real paid{}, got{}, t_paid{}, t_got{};
  for (int k = 0; k < n; ++k) {
    const Real c = cf[k];
    const double kd = k;
    const Mask in = c<0.0, back = c> 0.0;
    paid = select(in, paid - c, paid);
    t_paid = select(in, t_paid - c * kd, t_paid);
    got = select(back, got + c, got);
    t_got = select(back, t_got + c * kd, t_got);
  }
  // Lanes still in Newton's method; lanes that leave it for the safe path.
  Mask running = (paid != 0.0) & (got != 0.0);
  Mask fallback{};
  for (std::size_t l = 0; l < lanes::kWidth; ++l) {
    if (paid[l] == 0) {
      out[l] = std::nullopt;
    } else if (got[l] == 0) {
      out[l] = -1.0;
    }
  }
  const Real years = lanes::max(lanes::splat(0.5), t_got / got - t_paid / paid);
  const Real ratio = paid / got, power = 1.0 / years;
  // Lanes not running take the guess of a harmless ratio (their result is set already).
  Real x = fast_math::exp(power * fast_math::log(select(running, ratio, lanes::splat(1.0))));
  Real rate{};
  Mask converged{};
  for (int it = 0; it < 12 && lanes::any(running); ++it) {
    Real v{}, d{};
    for (int k = n - 1; k >= 0; --k) {
      d = d * x + v;
      v = v * x + cf[k];
    }
    const Mask bad = running & ((d == 0.0) | ~((v - v) == 0.0));
    fallback |= bad;
    running &= ~bad;
    const Real next = x - v / d;
    const Mask bad_step = running & (~(next > 0.0) | ~((next - next) == 0.0));
    fallback |= bad_step;
    running &= ~bad_step;
    const Real gap = next - x;
    const Mask done = running & (select(gap < 0.0, -gap, gap) <= 1e-13 * x);
    rate = select(done, 1 / next - 1, rate);
    converged |= done;
    running &= ~done;
    x = select(running, next, x);
  }
  fallback |= running;
  for (std::size_t l = 0; l < lanes::kWidth; ++l) {
    if (converged[l]) out[l] = static_cast<double>(rate[l]);
  }
  if (lanes::any(fallback)) {
    std::vector<double> flows(static_cast<std::size_t>(n));  // rare: no allocation per path
    for (std::size_t l = 0; l < lanes::kWidth; ++l) {
      if (!fallback[l]) continue;
      for (int k = 0; k < n; ++k) flows[static_cast<std::size_t>(k)] = cf[k][l];
      out[l] = path_irr(flows.data(), n);
    }
  }
}

}  // namespace capflow
