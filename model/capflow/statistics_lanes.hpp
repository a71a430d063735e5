#pragma once
// Metric::add (statistics.hpp) for kWidth values at once, one per lane: Moments' rounding
// and the Sketch's slot are computed in the vector registers, then the exact sums and
// the counts are added lane by lane. Each value lands where Metric::add puts it, with
// the same operations (tests/unit/statistics_lanes_test.cpp), so a run's statistics do
// not depend on whether its paths ran in lanes.

#include <cstddef>
#include <cstdint>

#include "capflow/lanes.hpp"
#include "capflow/statistics.hpp"

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

// m.add(x[l]) for the first `count` lanes, in lane order.
CAPFLOW_LANES_INLINE void add(Metric& m, Real x, std::size_t count) {
  const Real q = x * m.moments.scale();
  const Mask small = (q > -Moments::kSmallLimit) & (q < Moments::kSmallLimit);
  const Real rounded = q + select(q >= 0.0, splat(0.5), splat(-0.5));
  const Mask slot = sketch_slot(x);
  for (std::size_t l = 0; l < count; ++l) {
    if (small[l]) [[likely]] {
      m.moments.add_quantized(static_cast<long long>(rounded[l]));
    } else {
      m.moments.add(x[l]);
    }
    m.sketch.add_at(static_cast<int>(slot[l]), x[l]);
  }
}

}  // namespace capflow::lanes
