#pragma once
// exp and log written once for a double and for lanes::Real (kWidth doubles), with the
// same operations in the same order, so a Monte Carlo path gets the same bits whether
// it runs alone or in a SIMD lane. libm's functions cannot give that: there is no
// vector twin of them with their bits. Cephes's algorithms (S. L. Moshier): reduction
// by a split ln 2, a rational approximation, scaling by a power of two built from its
// bits. Accuracy about 1 ulp, held against libm in tests/unit/fast_math_test.cpp.
// Outside what the paths need (|x| > 708 for exp; zero, negative, subnormal or infinite
// arguments for log) both forms defer to libm, lane by lane.

#include <bit>
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "capflow/simd/lanes.hpp"

namespace capflow::fast_math {

typedef std::uint64_t Bits
    __attribute__((vector_size(lanes::kWidth * sizeof(std::uint64_t)), aligned(lanes::kAlign)));

CAPFLOW_LANES_INLINE std::uint64_t bits_of(double x) {
  return std::bit_cast<std::uint64_t>(x);
}
CAPFLOW_LANES_INLINE Bits bits_of(lanes::Real x) {
  return reinterpret_cast<Bits>(x);
}
CAPFLOW_LANES_INLINE double real_of(std::uint64_t b) {
  return std::bit_cast<double>(b);
}
CAPFLOW_LANES_INLINE lanes::Real real_of(Bits b) {
  return reinterpret_cast<lanes::Real>(b);
}
CAPFLOW_LANES_INLINE double pick(bool m, double a, double b) {
  return m ? a : b;
}
CAPFLOW_LANES_INLINE lanes::Real pick(lanes::Mask m, lanes::Real a, lanes::Real b) {
  return lanes::select(m, a, b);
}
// x as a T: itself, or x in every lane.
template <class T>
CAPFLOW_LANES_INLINE T constant(double x) {
  if constexpr (std::is_same_v<T, double>) {
    return x;
  } else {
    return lanes::splat(x);
  }
}
CAPFLOW_LANES_INLINE bool any(bool m) {
  return m;
}
CAPFLOW_LANES_INLINE bool any(const lanes::Mask& m) {
  return lanes::any(m);
}

// e^x for |x| <= 708, where the result and 2^k are normal numbers.
template <class T>
CAPFLOW_LANES_INLINE T exp_core(T x) {
  constexpr double kLog2e = 1.4426950408889634073599;
  constexpr double kShift = 0x1.8p52;  // adding it rounds to an integer, kept in the low bits
  constexpr double kC1 = 6.93145751953125E-1, kC2 = 1.42860682030941723212E-6;
  const T shifted = x * kLog2e + kShift;
  const T k = shifted - kShift;  // round(x log2 e)
  x = x - k * kC1;
  x = x - k * kC2;
  const T xx = x * x;
  const T px = x * ((1.26177193074810590878E-4 * xx + 3.02994407707441961300E-2) * xx +
                    9.99999999999999999910E-1);
  const T qx = ((3.00198505138664455042E-6 * xx + 2.52448340349684104192E-3) * xx +
                2.27265548208155028766E-1) *
                   xx +
               2.00000000000000000009E0;
  const T e = 1.0 + 2.0 * (px / (qx - px));
  // 2^k from its bits: the low bits of `shifted` hold k in two's complement.
  const auto scale = real_of((bits_of(shifted) + 1023) << 52);
  return e * scale;
}

CAPFLOW_LANES_INLINE double exp(double x) {
  return std::fabs(x) <= 708 ? exp_core(x) : std::exp(x);
}

CAPFLOW_LANES_INLINE lanes::Real exp(lanes::Real x) {
  lanes::Real y = exp_core(x);
  const lanes::Mask outside = ~((x <= 708.0) & (x >= -708.0));
  if (lanes::any(outside)) {
    for (std::size_t l = 0; l < lanes::kWidth; ++l) {
      if (outside[l]) y[l] = std::exp(x[l]);
    }
  }
  return y;
}

// ln x for normal positive x.
template <class T>
CAPFLOW_LANES_INLINE T log_core(T x) {
  using lanes::kWidth;
  constexpr double kSqrtHalf = 0.70710678118654752440;
  // x = m 2^e with m in [0.5, 1): frexp from the bits; e exactly as a double through
  // the bits of 2^52 + biased exponent.
  const auto b = bits_of(x);
  T m = real_of((b & 0x000fffffffffffffull) | 0x3fe0000000000000ull);
  T e = real_of(((b >> 52) & 0x7ffull) | 0x4330000000000000ull) - (0x1p52 + 1022.0);
  const auto low = m < kSqrtHalf;
  e = pick(low, e - 1.0, e);
  m = pick(low, m + m - 1.0, m - 1.0);
  const T z = m * m;
  const T p = ((((1.01875663804580931796E-4 * m + 4.97494994976747001425E-1) * m +
                 4.70579119878881725854E0) *
                    m +
                1.44989225341610930846E1) *
                   m +
               1.79368678507819816313E1) *
                  m +
              7.70838733755885391666E0;
  const T q = ((((m + 1.12873587189167450590E1) * m + 4.52279145837532221105E1) * m +
                8.29875266912776603211E1) *
                   m +
               7.11544750618563894466E1) *
                  m +
              2.31251620126765340583E1;
  T y = m * (z * p / q);
  y = y - e * 2.121944400546905827679e-4;
  y = y - 0.5 * z;
  return (m + y) + e * 0.693359375;
}

CAPFLOW_LANES_INLINE double log(double x) {
  return x >= 0x1p-1022 && x <= 0x1.fffffffffffffp1023 ? log_core(x) : std::log(x);
}

CAPFLOW_LANES_INLINE lanes::Real log(lanes::Real x) {
  lanes::Real y = log_core(x);
  const lanes::Mask outside = ~((x >= 0x1p-1022) & (x <= 0x1.fffffffffffffp1023));
  if (lanes::any(outside)) {
    for (std::size_t l = 0; l < lanes::kWidth; ++l) {
      if (outside[l]) y[l] = std::log(x[l]);
    }
  }
  return y;
}

}  // namespace capflow::fast_math
