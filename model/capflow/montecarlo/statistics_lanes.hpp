#pragma once
// Metric::add (statistics.hpp) for kWidth values at once, one per lane: Moments' rounding
// and the Sketch's slot are computed in the vector registers, then the exact sums and
// the counts are added lane by lane. Each value lands where Metric::add puts it, with
// the same operations (tests/unit/statistics_lanes_test.cpp), so a run's statistics do
// not depend on whether its paths ran in lanes.

#include <cstddef>
#include <cstdint>

#include "capflow/montecarlo/statistics.hpp"
#include "capflow/simd/lanes.hpp"

namespace capflow::lanes {

// Sketch::slot of every lane.
CAPFLOW_LANES_INLINE Mask sketch_slot(Real x) {
  typedef std::uint64_t Bits
      __attribute__((vector_size(kWidth * sizeof(std::uint64_t)), aligned(kAlign)));
  constexpr int kMantissaBits = Sketch::kMantissaBits;
  const Bits magnitude = reinterpret_cast<Bits>(x) & ~(std::uint64_t{1} << 63);
  const Mask exponent = reinterpret_cast<Mask>(magnitude >> 52) - 1023;
  const Mask mantissa =
      reinterpret_cast<Mask>((magnitude >> (52 - kMantissaBits)) & ((1u << kMantissaBits) - 1));
  Mask k = ((exponent - Sketch::kMinExponent) << kMantissaBits) + mantissa;
  k = k < 0 ? Mask{} : k;
  k = k > Sketch::kBuckets - 1 ? Mask{} + (Sketch::kBuckets - 1) : k;
  const Mask negative = (Sketch::kBuckets - 1) - k;
  return x > 0.0 ? k + Sketch::kFirstPositive : x == 0.0 ? Mask{} + Sketch::kZeroSlot : negative;
}

// The smallest and the largest lane as Sketch::add_at leaves them, one lane after the
// other: of equal values (+0 and -0) the first is kept, and keeping the first is the
// same by pairs, then pairs of pairs. REQUIRES: no NaN (add() has thrown before on any
// value that is not finite).
CAPFLOW_LANES_INLINE double first_min(Real x) {
  static_assert(kWidth == 4);
  const double a = x[1] < x[0] ? x[1] : x[0], b = x[3] < x[2] ? x[3] : x[2];
  return b < a ? b : a;
}
CAPFLOW_LANES_INLINE double first_max(Real x) {
  const double a = x[1] > x[0] ? x[1] : x[0], b = x[3] > x[2] ? x[3] : x[2];
  return b > a ? b : a;
}

#if CAPFLOW_LANES_X86
// Moments::add_quantized of the four lanes of v (each rounded as Moments::add rounds,
// and at most 2^50 in magnitude), into the moments' lane sums (Moments::LaneSums).
CAPFLOW_LANES_AVX2 CAPFLOW_LANES_INLINE void add_quantized(Moments& m, Real rounded) {
  typedef std::int64_t I64
      __attribute__((vector_size(kWidth * sizeof(std::int64_t)), aligned(kAlign)));
  typedef std::uint64_t U64
      __attribute__((vector_size(kWidth * sizeof(std::uint64_t)), aligned(kAlign)));
  typedef int V8 __attribute__((vector_size(32)));
  static_assert(kWidth == 4);
  // Toward zero, as the conversion to an integer does; then the integer through the
  // bits of a large double (AVX2 has no conversion of 64-bit lanes): exact below 2^51.
  const Real t = __builtin_ia32_roundpd256(rounded, 3);
  const Real shift = splat(0x1.8p52), unsigned_shift = splat(0x1p52);
  const I64 v = reinterpret_cast<I64>(t + shift) - reinterpret_cast<I64>(shift);
  const Real magnitude =
      reinterpret_cast<Real>(reinterpret_cast<U64>(t) & ~(std::uint64_t{1} << 63));
  const U64 a =
      reinterpret_cast<U64>(magnitude + unsigned_shift) - reinterpret_cast<U64>(unsigned_shift);
  const U64 hi = a >> 25, lo = a & ((std::uint64_t{1} << 25) - 1);
  const auto times = [](U64 x, U64 y) CAPFLOW_LANES_AVX2 {
    return reinterpret_cast<U64>(
        __builtin_ia32_pmuludq256(reinterpret_cast<V8>(x), reinterpret_cast<V8>(y)));
  };
  Moments::LaneSums& s = m.lane_sums();
  I64 sum;
  U64 hh, hl, ll;
  __builtin_memcpy(&sum, s.sum, sizeof sum);
  __builtin_memcpy(&hh, s.hh, sizeof hh);
  __builtin_memcpy(&hl, s.hl, sizeof hl);
  __builtin_memcpy(&ll, s.ll, sizeof ll);
  sum += v;
  hh += times(hi, hi);
  hl += times(hi, lo);
  ll += times(lo, lo);
  __builtin_memcpy(s.sum, &sum, sizeof sum);
  __builtin_memcpy(s.hh, &hh, sizeof hh);
  __builtin_memcpy(s.hl, &hl, sizeof hl);
  __builtin_memcpy(s.ll, &ll, sizeof ll);
  m.added_lane_batch();
}
#endif

// m.add(x[l]) for the first `count` lanes, in lane order. Compiled for AVX2: callers
// must be AVX2 functions too.
CAPFLOW_LANES_AVX2 CAPFLOW_LANES_INLINE void add(Metric& m, Real x, std::size_t count) {
  const Real q = x * m.moments.scale();
  const Mask small = (q > -Moments::kSmallLimit) & (q < Moments::kSmallLimit);
  const Real rounded = q + select(q >= 0.0, splat(0.5), splat(-0.5));
  const Mask slot = sketch_slot(x);
#if CAPFLOW_LANES_X86
  if (count == kWidth && !any(~small)) [[likely]] {
    add_quantized(m.moments, rounded);
  } else
#endif
  {
    for (std::size_t l = 0; l < count; ++l) {
      if (small[l]) {
        m.moments.add_quantized(static_cast<long long>(rounded[l]));
      } else {
        m.moments.add(x[l]);
      }
    }
  }
  if (count == kWidth) {
    m.sketch.add_extremes(first_min(x), first_max(x));
    for (std::size_t l = 0; l < kWidth; ++l) m.sketch.count_at(static_cast<int>(slot[l]));
  } else {
    for (std::size_t l = 0; l < count; ++l) m.sketch.add_at(static_cast<int>(slot[l]), x[l]);
  }
}

}  // namespace capflow::lanes
