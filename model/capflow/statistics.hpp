#pragma once
// Accumulators for Monte Carlo results whose merge is exact and order-free, so that a
// run gives the same bits at any thread count and sharded runs merge into the whole:
//  - Moments: count, sum and sum of squares of values quantized to a fixed resolution,
//    in integers (never rounded by the order of additions);
//  - Sketch: a log-bucket histogram for percentiles, in bounded memory, with relative
//    accuracy of about 0.2 % (docs/monte-carlo.md);
//  - Counts: exact counts of integer outcomes (the year a cap is reached, ...).

#include <boost/multiprecision/cpp_int.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

namespace capflow {

// GCC/Clang 128-bit integers: exact running sums between flushes to cpp_int.
__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

class Moments {
 public:
  // Values are rounded to multiples of 1/scale before summing (scale 1 for dollars).
  explicit Moments(double scale = 1) : scale_(scale) {}
  void add(double x) {
    const double q = x * scale_;
    if (q > -kSmallLimit && q < kSmallLimit) {
      // Round half away from zero with an inline conversion (std::llround is a call).
      const auto v = static_cast<Int128>(static_cast<long long>(q + (q >= 0 ? 0.5 : -0.5)));
      small_sum_ += v;
      small_sq_ += v * v;
      if (++pending_ == kFlushEvery) flush();
    } else {
      add_big(q);
    }
    ++count_;
  }
  void merge(const Moments& other);
  std::uint64_t count() const { return count_; }
  double mean() const;
  double sd() const;  // sample standard deviation (n - 1)
  double se() const { return count_ > 1 ? sd() / std::sqrt(static_cast<double>(count_)) : 0; }
  nlohmann::json to_json() const;
  static Moments from_json(const nlohmann::json& j);

 private:
  using Big = boost::multiprecision::cpp_int;
  static constexpr double kSmallLimit = 1125899906842624.0;  // 2^50: squares fit 2^100
  static constexpr int kFlushEvery = 1 << 20;                // 2^20 squares fit 2^127
  void flush() const;
  void add_big(double q);
  double scale_;
  std::uint64_t count_ = 0;
  mutable Int128 small_sum_ = 0, small_sq_ = 0;
  mutable int pending_ = 0;
  mutable Big sum_ = 0, sq_ = 0;
};

// Percentiles in bounded memory: a histogram of log-spaced buckets (2^kMantissaBits per
// power of two, so a bucket's width is at most 0.39 % of its values), allocated a power
// of two at a time as values arrive, so a metric spanning a few decades keeps a few tens
// of kilobytes hot rather than the whole range. The exact minimum and maximum are kept
// too: a percentile is its bucket's midpoint clamped to them, so it never lies outside
// what the paths produced.
class Sketch {
 public:
  void add(double x) {
    if (x < min_) min_ = x;
    if (x > max_) max_ = x;
    if (x == 0) {
      ++zero_;
    } else if (x > 0) {
      ++bucket(positive_, x);
    } else {
      ++bucket(negative_, -x);
    }
  }
  void merge(const Sketch& other);
  std::uint64_t count() const;
  // The value of order statistic floor(q (n - 1)) to within the bucket's width
  // (the bucket's midpoint, clamped to [min, max]); the first and last exactly.
  // REQUIRES: count() > 0, 0 <= q <= 1.
  double quantile(double q) const;
  double fraction_positive() const;
  double min() const { return min_; }
  double max() const { return max_; }
  nlohmann::json to_json() const;
  static Sketch from_json(const nlohmann::json& j);

  // Buckets: 2^kMantissaBits per power of two, exponents kMinExponent..kMaxExponent;
  // magnitudes outside are counted in the first or last bucket.
  static constexpr int kMantissaBits = 8;
  static constexpr int kPerExponent = 1 << kMantissaBits;
  static constexpr int kMinExponent = -40;  // about 1e-12
  static constexpr int kMaxExponent = 63;   // about 1e19
  static constexpr int kExponents = kMaxExponent - kMinExponent + 1;
  static constexpr int kBuckets = kExponents << kMantissaBits;

 private:
  // One side (positive or negative magnitudes): per power of two, its buckets, empty
  // until a value lands there.
  using Side = std::vector<std::vector<std::uint64_t>>;
  // The IEEE-754 bits are the bucket: the exponent, then the top mantissa bits.
  static int key(double magnitude) {
    std::uint64_t bits;
    std::memcpy(&bits, &magnitude, sizeof bits);
    const int exponent = static_cast<int>((bits >> 52) & 0x7ff) - 1023;
    if (exponent < kMinExponent) return 0;
    if (exponent > kMaxExponent) return kBuckets - 1;
    const int mantissa =
        static_cast<int>((bits >> (52 - kMantissaBits)) & ((1u << kMantissaBits) - 1));
    return ((exponent - kMinExponent) << kMantissaBits) + mantissa;
  }
  static double midpoint(int key);
  static std::uint64_t& at(Side& side, int key) {
    if (side.empty()) side.resize(kExponents);
    auto& block = side[static_cast<std::size_t>(key >> kMantissaBits)];
    if (block.empty()) block.assign(kPerExponent, 0);
    return block[static_cast<std::size_t>(key & (kPerExponent - 1))];
  }
  static std::uint64_t& bucket(Side& side, double magnitude) { return at(side, key(magnitude)); }
  static std::uint64_t get(const Side& side, int key) {
    if (side.empty()) return 0;
    const auto& block = side[static_cast<std::size_t>(key >> kMantissaBits)];
    return block.empty() ? 0 : block[static_cast<std::size_t>(key & (kPerExponent - 1))];
  }
  static std::uint64_t total(const Side& side);
  Side positive_, negative_;
  std::uint64_t zero_ = 0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

// Exact counts of integer outcomes. Years (the common case, once per path and holder)
// are counted in a flat array, anything else in a map: a map insert per path was a
// visible part of the per-path cost.
class Counts {
 public:
  void add(long long value) {
    const auto offset = static_cast<unsigned long long>(value - kFirstYear);
    if (offset < kYears) {
      if (years_.empty()) years_.assign(kYears, 0);
      ++years_[offset];
    } else {
      ++other_[value];
    }
  }
  void merge(const Counts& other);
  // Every value counted, with its count, in increasing order of value.
  std::map<long long, std::uint64_t> counts() const;
  nlohmann::json to_json() const;
  static Counts from_json(const nlohmann::json& j);

 private:
  static constexpr long long kFirstYear = 1900;  // the years a scenario may use
  static constexpr unsigned long long kYears = 2200 - 1900 + 1;
  std::vector<std::uint64_t> years_;  // allocated on first use
  std::map<long long, std::uint64_t> other_;
};

// Mean, dispersion and percentiles of one metric.
struct Metric {
  Moments moments;
  Sketch sketch;
  explicit Metric(double scale = 1) : moments(scale) {}
  void add(double x) {
    moments.add(x);
    sketch.add(x);
  }
  void merge(const Metric& o) {
    moments.merge(o.moments);
    sketch.merge(o.sketch);
  }
};

}  // namespace capflow
