#pragma once
// PathRandom (random.hpp) for kWidth paths at once: Random123's Philox4x32-10 on every
// lane, with the same counter and key layout, so lane l gives the bits PathRandom gives
// for path l (tests/unit/batch_path_test.cpp checks it against Random123 itself).

#include <cstdint>

#include "capflow/simd/lanes.hpp"

namespace capflow {

class LanesRandom {
 public:
  // 32-bit values, one per 64-bit lane: AVX2 multiplies 32 by 32 bits into 64 (vpmuludq).
  typedef std::uint64_t U64
      __attribute__((vector_size(lanes::kWidth * sizeof(std::uint64_t)), aligned(lanes::kAlign)));

  LanesRandom(std::uint64_t seed, const std::uint64_t paths[lanes::kWidth])
      : k0_(static_cast<std::uint32_t>(seed)), k1_(static_cast<std::uint32_t>(seed >> 32)) {
    for (std::size_t l = 0; l < lanes::kWidth; ++l) {
      path_lo_[l] = paths[l] & 0xffffffffu;
      path_hi_[l] = paths[l] >> 32;
    }
  }

  // PathRandom::uniform4 for every lane: out[m] lane l is path l's uniform m. Compiled
  // for AVX2: callers must be AVX2 functions too.
  CAPFLOW_LANES_AVX2 CAPFLOW_LANES_INLINE void uniform4(std::uint32_t stream, std::uint32_t index,
                                                        lanes::Real out[4]) const {
    const U64 mask = U64{} + 0xffffffffu;
    U64 c0 = path_lo_, c1 = path_hi_, c2 = U64{} + stream, c3 = U64{} + index;
    std::uint32_t k0 = k0_, k1 = k1_;
    for (int round = 0; round < 10; ++round) {
      if (round > 0) {
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
      }
      const U64 p0 = times(c0, 0xD2511F53u);
      const U64 p1 = times(c2, 0xCD9E8D57u);
      const U64 hi0 = p0 >> 32, lo0 = p0 & mask;
      const U64 hi1 = p1 >> 32, lo1 = p1 & mask;
      c0 = hi1 ^ c1 ^ k0;
      c1 = lo1;
      c2 = hi0 ^ c3 ^ k1;
      c3 = lo0;
    }
    out[0] = unit(c0);
    out[1] = unit(c1);
    out[2] = unit(c2);
    out[3] = unit(c3);
  }

 private:
  // c k for c < 2^32: the full product fits. One vpmuludq; GCC's product of 64-bit lanes
  // would take three multiplies and the shifts that combine them.
  CAPFLOW_LANES_AVX2 CAPFLOW_LANES_INLINE static U64 times(U64 c, std::uint32_t k) {
#if CAPFLOW_LANES_X86
    typedef int V8 __attribute__((vector_size(32)));
    return reinterpret_cast<U64>(
        __builtin_ia32_pmuludq256(reinterpret_cast<V8>(c), reinterpret_cast<V8>(U64{} + k)));
#else
    return c * k;
#endif
  }

  // (r + 0.5) 2^-32 as PathRandom::uniform4 computes it: r exactly as a double through
  // the bits of 2^52 + r (AVX2 has no integer-to-double conversion of 64-bit lanes).
  CAPFLOW_LANES_INLINE static lanes::Real unit(U64 r) {
    const U64 bits = r | 0x4330000000000000ull;
    const lanes::Real exact = reinterpret_cast<lanes::Real>(bits) - 0x1p52;
    return (exact + 0.5) * 0x1p-32;
  }

  U64 path_lo_{}, path_hi_{};
  std::uint32_t k0_, k1_;
};

}  // namespace capflow
