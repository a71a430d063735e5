#pragma once
// Counter-based random numbers (Random123's Philox4x32-10). A draw is a pure function
// of (seed, path, stream, index): path i sees the same numbers whatever thread runs it,
// whatever the thread count, and in any shard. Streams are named variables (a hash of
// the input's or process's name), so two scenarios that share a name share its draws:
// that is what makes `diff` run on common random numbers.

#include <Random123/philox.h>

#include <cmath>
#include <cstdint>
#include <string_view>

#include "capflow/simd/fast_math.hpp"

namespace capflow {

// 32-bit FNV-1a of a name: the stream id of a named random variable.
constexpr std::uint32_t stream_id(std::string_view name) {
  std::uint32_t h = 2166136261u;
  for (char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  return h;
}

class PathRandom {
 public:
  PathRandom(std::uint64_t seed, std::uint64_t path) {
    key_ = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
    path_lo_ = static_cast<std::uint32_t>(path);
    path_hi_ = static_cast<std::uint32_t>(path >> 32);
  }

  // Two uniforms in (0, 1), 53 bits each, for draw pair `index` of `stream`.
  void uniform2(std::uint32_t stream, std::uint32_t index, double& u0, double& u1) const {
    r123::Philox4x32::ctr_type c = {{path_lo_, path_hi_, stream, index}};
    auto r = r123::Philox4x32()(c, key_);
    u0 = to_unit(r.v[0], r.v[1]);
    u1 = to_unit(r.v[2], r.v[3]);
  }

  // Four uniforms in (0, 1) with 32 bits each, for draw quadruple `index` of `stream`:
  // the yearly shocks of a process, four years per call.
  void uniform4(std::uint32_t stream, std::uint32_t index, double out[4]) const {
    r123::Philox4x32::ctr_type c = {{path_lo_, path_hi_, stream, index}};
    auto r = r123::Philox4x32()(c, key_);
    for (int k = 0; k < 4; ++k) out[k] = (static_cast<double>(r.v[k]) + 0.5) * 0x1p-32;
  }

  // One uniform in (0, 1): the first of the pair.
  double uniform(std::uint32_t stream, std::uint32_t index) const {
    double a, b;
    uniform2(stream, index, a, b);
    return a;
  }

 private:
  static double to_unit(std::uint32_t hi, std::uint32_t lo) {
    std::uint64_t bits = (static_cast<std::uint64_t>(hi) << 21) ^ (lo >> 11);  // 53 bits
    return (static_cast<double>(bits & ((1ull << 53) - 1)) + 0.5) * 0x1p-53;
  }
  r123::Philox4x32::key_type key_;
  std::uint32_t path_lo_, path_hi_;
};

// AS 241's tails as rational functions of r = sqrt(-ln min(p, 1 - p)) (PPND16).
template <class T>
CAPFLOW_LANES_INLINE T normal_tail_near(T r) {  // r <= 5
  r = r - 1.6;
  return (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r +
               0.24178072517745061177) *
                  r +
              1.27045825245236838258) *
                 r +
             3.64784832476320460504) *
                r +
            5.7694972214606914055) *
               r +
           4.6303378461565452959) *
              r +
          1.42343711074968357734) /
         (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r +
               0.0151986665636164571966) *
                  r +
              0.14810397642748007459) *
                 r +
             0.68976733498510000455) *
                r +
            1.6763848301838038494) *
               r +
           2.05319162663775882187) *
              r +
          1.0);
}
template <class T>
CAPFLOW_LANES_INLINE T normal_tail_far(T r) {  // r > 5
  r = r - 5.0;
  return (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r +
               0.0012426609473880784386) *
                  r +
              0.026532189526576123093) *
                 r +
             0.29656057182850489123) *
                r +
            1.7848265399172913358) *
               r +
           5.4637849111641143699) *
              r +
          6.6579046435011037772) /
         (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r +
               1.8463183175100546818e-5) *
                  r +
              7.868691311456132591e-4) *
                 r +
             0.0148753612908506148525) *
                r +
            0.13692988092273580531) *
               r +
           0.59983220655588793769) *
              r +
          1.0);
}

// The tails of normal_quantile (|p - 0.5| > 0.425), for a double or for lanes (with a
// square root for T): the same operations either way, and fast_math::log, so a path's
// draws have the same bits alone or in a lane.
template <class T, class Sqrt>
CAPFLOW_LANES_INLINE T normal_quantile_tail_of(T p, Sqrt&& sqrt) {
  const T q = p - 0.5;
  const auto lower = q < 0.0;
  const T r = sqrt(-fast_math::log(fast_math::pick(lower, p, 1.0 - p)));
  T value = normal_tail_near(r);
  const auto far = r > 5.0;
  if (fast_math::any(far)) value = fast_math::pick(far, normal_tail_far(r), value);
  return fast_math::pick(lower, -value, value);
}

// normal_quantile_tail_of for one double, out of line.
double normal_quantile_tail(double p);

// AS 241's central region (|q| <= 0.425, q = p - 0.5), for a double or for lanes.
template <class T>
CAPFLOW_LANES_INLINE T normal_quantile_central(T q) {
  const T r = 0.180625 - q * q;
  return q *
         (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) *
                  r +
              45921.953931549871457) *
                 r +
             13731.693765509461125) *
                r +
            1971.5909503065514427) *
               r +
           133.14166789178437745) *
              r +
          3.387132872796366608) /
         (((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) * r +
              21213.794301586595867) *
                 r +
             5394.1960214247511077) *
                r +
            687.1870074920579083) *
               r +
           42.313330701600911252) *
              r +
          1.0);
}

// Standard normal quantile, Wichura's AS 241 (PPND16): relative accuracy about 1e-16.
// REQUIRES: 0 < p < 1. The central region (85 % of draws) is inline so that a path's
// independent draws overlap their division and polynomial latencies.
inline double normal_quantile(double p) {
  const double q = p - 0.5;
  if (std::fabs(q) <= 0.425) return normal_quantile_central(q);
  return normal_quantile_tail(p);
}

// Standard normal CDF.
double normal_cdf(double z);

}  // namespace capflow
