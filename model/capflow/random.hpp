#pragma once
// Counter-based random numbers (Random123's Philox4x32-10). A draw is a pure function
// of (seed, path, stream, index): path i sees the same numbers whatever thread runs it,
// whatever the thread count, and in any shard. Streams are named variables (a hash of
// the input's or process's name), so two scenarios that share a name share its draws:
// that is what makes `diff` run on common random numbers.

#include <Random123/philox.h>

#include <cstdint>
#include <string_view>

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

// Standard normal quantile, Wichura's AS 241 (PPND16): relative accuracy about 1e-16.
// REQUIRES: 0 < p < 1.
double normal_quantile(double p);

// Standard normal CDF.
double normal_cdf(double z);

}  // namespace capflow
