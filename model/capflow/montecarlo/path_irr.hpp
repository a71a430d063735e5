#pragma once
// The IRR of one Monte Carlo path's yearly flows, fast (Newton from a good guess), for
// one path or for kWidth paths side by side. The lane version takes each lane through
// the scalar's steps with the scalar's operations, so both give the same bits; a lane
// that would leave Newton for the safe path is handed to the scalar function.

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "capflow/simd/fast_math.hpp"
#include "capflow/simd/lanes.hpp"

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

// path_irr for every lane of M series of flows at once: series m is cf[m][0..n) (lane l
// of cf[m][k] is path l's flow in year k), and out[m][l] is what path_irr gives for it.
// The series' Newton steps are interleaved: each step is a chain of dependent multiplies
// and adds, and two chains side by side keep the processor busy where one leaves it
// waiting. A series whose lanes have all converged rides along unchanged.
// Out of line (see WaterfallLanes::distribute_in), compiled for AVX2.
template <std::size_t M>
[[gnu::noinline]] CAPFLOW_LANES_AVX2 void path_irr(const lanes::Real* const* cf, int n,
                                                   std::optional<double> (*out)[lanes::kWidth]) {
  using lanes::Mask;
  using lanes::Real;
  using lanes::select;
  Real x[M], rate[M];
  Mask running[M], fallback[M], converged[M];
  for (std::size_t m = 0; m < M; ++m) {
    Real paid{}, got{}, t_paid{}, t_got{};
    for (int k = 0; k < n; ++k) {
      const Real c = cf[m][k];
      const double kd = k;
      const Mask in = c<0.0, back = c> 0.0;
      paid = select(in, paid - c, paid);
      t_paid = select(in, t_paid - c * kd, t_paid);
      got = select(back, got + c, got);
      t_got = select(back, t_got + c * kd, t_got);
    }
    // Lanes still in Newton's method; lanes that leave it for the safe path.
    running[m] = (paid != 0.0) & (got != 0.0);
    fallback[m] = converged[m] = Mask{};
    rate[m] = Real{};
    for (std::size_t l = 0; l < lanes::kWidth; ++l) {
      if (paid[l] == 0) {
        out[m][l] = std::nullopt;
      } else if (got[l] == 0) {
        out[m][l] = -1.0;
      }
    }
    const Real years = lanes::max(lanes::splat(0.5), t_got / got - t_paid / paid);
    const Real ratio = paid / got, power = 1.0 / years;
    // Lanes not running take the guess of a harmless ratio (their result is set already).
    x[m] = fast_math::exp(power * fast_math::log(select(running[m], ratio, lanes::splat(1.0))));
  }
  const auto any_running = [&] {
    Mask r{};
    for (std::size_t m = 0; m < M; ++m) r |= running[m];
    return lanes::any(r);
  };
  for (int it = 0; it < 12 && any_running(); ++it) {
    // Horner's first step from v = d = 0 leaves v = cf[n-1] + 0 and d = 0 for any
    // finite x (the scalar's bits: 0·x + c is c + 0, and c + 0 is never -0); a lane
    // with x not finite ends non-finite either way and leaves for the safe path. One
    // step fewer in a chain of dependent steps.
    Real v[M], d[M];
    for (std::size_t m = 0; m < M; ++m) {
      v[m] = cf[m][n - 1] + 0.0;
      d[m] = Real{};
    }
    for (int k = n - 2; k >= 0; --k) {
      for (std::size_t m = 0; m < M; ++m) {
        d[m] = d[m] * x[m] + v[m];
        v[m] = v[m] * x[m] + cf[m][k];
      }
    }
    for (std::size_t m = 0; m < M; ++m) {
      const Mask bad = running[m] & ((d[m] == 0.0) | ~((v[m] - v[m]) == 0.0));
      fallback[m] |= bad;
      running[m] &= ~bad;
      const Real next = x[m] - v[m] / d[m];
      const Mask bad_step = running[m] & (~(next > 0.0) | ~((next - next) == 0.0));
      fallback[m] |= bad_step;
      running[m] &= ~bad_step;
      const Real gap = next - x[m];
      const Mask done = running[m] & (select(gap < 0.0, -gap, gap) <= 1e-13 * x[m]);
      rate[m] = select(done, 1 / next - 1, rate[m]);
      converged[m] |= done;
      running[m] &= ~done;
      x[m] = select(running[m], next, x[m]);
    }
  }
  for (std::size_t m = 0; m < M; ++m) {
    fallback[m] |= running[m];
    for (std::size_t l = 0; l < lanes::kWidth; ++l) {
      if (converged[m][l]) out[m][l] = static_cast<double>(rate[m][l]);
    }
    if (lanes::any(fallback[m])) {
      std::vector<double> flows(static_cast<std::size_t>(n));  // rare: no allocation per path
      for (std::size_t l = 0; l < lanes::kWidth; ++l) {
        if (!fallback[m][l]) continue;
        for (int k = 0; k < n; ++k) flows[static_cast<std::size_t>(k)] = cf[m][k][l];
        out[m][l] = path_irr(flows.data(), n);
      }
    }
  }
}

}  // namespace capflow
