#pragma once
// Accumulators for Monte Carlo results whose merge is exact and order-free, so that a
// run gives the same bits at any thread count and sharded runs merge into the whole:
//  - Moments: count, sum and sum of squares of values quantized to a fixed resolution,
//    in integers (never rounded by the order of additions);
//  - Sketch: a log-bucket histogram for percentiles, in bounded memory, with relative
//    accuracy of about 0.2 % (docs/monte-carlo.md);
//  - Counts: exact counts of integer outcomes (the year a cap is reached, ...).

#include <array>
#include <boost/multiprecision/cpp_int.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace capflow {

// What is wrong in the accumulators of a result file (`capflow merge`), and where: a
// JSON pointer, relative to the part being read until a caller prefixes its own place.
class AccumulatorError : public std::invalid_argument {
 public:
  AccumulatorError(std::string pointer, std::string problem)
      : std::invalid_argument(pointer + ": " + problem),
        pointer_(std::move(pointer)),
        problem_(std::move(problem)) {}
  const std::string& pointer() const { return pointer_; }
  const std::string& problem() const { return problem_; }

 private:
  std::string pointer_, problem_;
};

// The largest count an accumulator may hold (far above any run: --paths stops at 1e10).
// Counts below it add up without overflow however many shards merge.
inline constexpr std::uint64_t kMaxCount = std::uint64_t{1} << 53;

// v as a count: a whole number from 0 to kMaxCount (JSON's -5 would otherwise read as
// 2^64 - 5, and 1e300 as anything); the error names `pointer`, v's place.
std::uint64_t read_count(const nlohmann::json& v, const std::string& pointer);
// v as an integer JSON number (not a float) in [lo, hi].
std::int64_t read_integer(const nlohmann::json& v, const std::string& pointer, std::int64_t lo,
                          std::int64_t hi);
// f(), with any error from it placed at `pointer` (prefixed to its own, if it has one).
template <class F>
auto read_at(const std::string& pointer, F f) {
  try {
    return f();
  } catch (const AccumulatorError& e) {
    throw AccumulatorError(pointer + e.pointer(), e.problem());
  } catch (const std::exception& e) {
    throw AccumulatorError(pointer, e.what());
  }
}

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
      add_quantized(static_cast<long long>(q + (q >= 0 ? 0.5 : -0.5)));
    } else {
      add_big(q);
      ++count_;
    }
  }
  // add(x) for a value the caller has quantized as add() does, several at a time (the
  // lane engine, statistics_lanes.hpp): v is x·scale() rounded half away from zero,
  // REQUIRES |x·scale()| < kSmallLimit.
  void add_quantized(long long v) {
    const auto w = static_cast<Int128>(v);
    small_sum_ += w;
    small_sq_ += w * w;
    if (++pending_ == kFlushEvery) flush();
    ++count_;
  }
  double scale() const { return scale_; }
  static constexpr double kSmallLimit = 1125899906842624.0;  // 2^50: squares fit 2^100

  // Running sums of the lane engine (statistics_lanes.hpp), which adds four quantized
  // values at once, each at most 2^50 in magnitude, lane l of each batch into sum[l].
  // A square does not fit 64 bits, so it is summed in three parts: a magnitude
  // a = hi 2^25 + lo squares to hi² 2^50 + hi lo 2^26 + lo², and hi², hi lo and lo² are
  // each at most 2^50. flush() folds them into the exact sums; until then they hold at
  // most kLaneFlushEvery batches, so no sum passes 2^62 (2^63 is the limit).
  struct alignas(32) LaneSums {
    std::int64_t sum[4] = {};
    std::uint64_t hh[4] = {}, hl[4] = {}, ll[4] = {};
  };
  static constexpr int kLaneFlushEvery = 1 << 12;
  LaneSums& lane_sums() { return lanes_; }
  // After adding a batch of four to lane_sums().
  void added_lane_batch() {
    count_ += 4;
    if (++lane_pending_ == kLaneFlushEvery) flush();
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
  static constexpr int kFlushEvery = 1 << 20;  // 2^20 squares fit 2^127
  void flush() const;
  void add_big(double q);
  double scale_;
  std::uint64_t count_ = 0;
  mutable Int128 small_sum_ = 0, small_sq_ = 0;
  mutable int pending_ = 0;
  mutable LaneSums lanes_;
  mutable int lane_pending_ = 0;
  mutable Big sum_ = 0, sq_ = 0;
};

// Percentiles in bounded memory: a histogram of log-spaced buckets (2^kMantissaBits per
// power of two, so a bucket's width is at most 0.39 % of its values), allocated a power
// of two at a time as values arrive, so a metric spanning a few decades keeps a few
// kilobytes hot rather than the whole range. The exact minimum and maximum are kept
// too: a percentile is its bucket's midpoint clamped to them, so it never lies outside
// what the paths produced.
//
// A bucket's count is a 16-bit counter plus, in a map, what its wraps carried (a
// multiple of 2^16): a Monte Carlo path adds to some twenty sketches, and with 64-bit
// counters the buckets they touch outgrew the L1 cache (the 16-bit ones save about 5 % of
// a run's time). A counter wraps once per 65,536 values in its bucket.
//
// Negative magnitudes, zero and positive magnitudes share one line of slots in
// ascending order of value, so that adding a value takes no branch on its sign: whether
// a holder was paid is as good as random from path to path, so such a branch is often
// mispredicted.
class Sketch {
 public:
  Sketch() = default;
  Sketch(const Sketch&) = default;
  Sketch& operator=(const Sketch&) = default;
  // A moved-from sketch is empty: its block table must not keep pointing into counters
  // it no longer has.
  Sketch(Sketch&& other) noexcept { *this = std::move(other); }
  Sketch& operator=(Sketch&& other) noexcept {
    place_ = std::exchange(other.place_, kNoBlocks);
    counters_ = std::exchange(other.counters_, {});
    carries_ = std::exchange(other.carries_, {});
    min_ = std::exchange(other.min_, std::numeric_limits<double>::infinity());
    max_ = std::exchange(other.max_, -std::numeric_limits<double>::infinity());
    return *this;
  }

  void add(double x) { add_at(slot(x), x); }
  // add(x) for a slot the caller has computed as slot() does, several at a time (the
  // lane engine, statistics_lanes.hpp). REQUIRES: slot == slot(x).
  void add_at(int slot, double x) {
    add_extremes(x, x);
    count_at(slot);
  }
  // add_at in two halves, for a caller that folds the extremes of several values first
  // (lanes::add): lo and hi as the updates one value at a time would leave them.
  void add_extremes(double lo, double hi) {
    min_ = lo < min_ ? lo : min_;
    max_ = hi > max_ ? hi : max_;
  }
  void count_at(int slot) {
    if (++at(slot) == 0) [[unlikely]]
      carry(slot);
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
  // Slots: negative magnitudes (largest first), then zero alone in a block, then
  // positive magnitudes; a magnitude's bucket is its key (below).
  static constexpr int kZeroSlot = kBuckets;
  static constexpr int kFirstPositive = kBuckets + kPerExponent;
  static constexpr int kSlots = kFirstPositive + kBuckets;

  // The IEEE-754 bits are the bucket: the exponent, then the top mantissa bits; both
  // ends of the range clamp without a branch (an exponent below the range gives a
  // negative key, one above it a key past the last).
  static int key(std::uint64_t magnitude_bits) {
    const int exponent = static_cast<int>(magnitude_bits >> 52) - 1023;
    const int mantissa =
        static_cast<int>((magnitude_bits >> (52 - kMantissaBits)) & ((1u << kMantissaBits) - 1));
    const int k = ((exponent - kMinExponent) << kMantissaBits) + mantissa;
    return k < 0 ? 0 : k > kBuckets - 1 ? kBuckets - 1 : k;
  }
  // NaN counts as a negative magnitude, as it always has.
  static int slot(double x) {
    std::uint64_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    const int k = key(bits & ~(std::uint64_t{1} << 63));
    const int negative = kBuckets - 1 - k;
    // Masks rather than a conditional expression, which GCC compiles to a branch.
    const int positive = -static_cast<int>(x > 0), zero = -static_cast<int>(x == 0);
    return negative + (positive & (kFirstPositive + k - negative)) +
           (zero & (kZeroSlot - negative));
  }

 private:
  static constexpr int kBlocks = kSlots >> kMantissaBits;
  // The counters, kPerExponent per block (a power of two of one sign) in the order the
  // blocks were first needed, and per block its place among them (-1: none yet). A
  // compact table: a table of vectors, 24 bytes a block, was itself a cache miss.
  using Counter = std::uint16_t;
  static constexpr std::uint64_t kCounterRange = std::uint64_t{1} << 16;
  static double value_of(int slot);  // the midpoint of the slot's bucket (0 for zero)
  Counter& at(int slot) {
    if (const int p = place_[static_cast<std::size_t>(slot >> kMantissaBits)]; p >= 0) [[likely]]
      return counters_[static_cast<std::size_t>(p) << kMantissaBits |
                       static_cast<std::size_t>(slot & (kPerExponent - 1))];
    return grow(slot);
  }
  // at() for a slot whose block has no counters yet: out of line, so that add() inlines.
  [[gnu::noinline]] Counter& grow(int slot);
  // A counter of `slot` has wrapped: its carry grows by kCounterRange.
  [[gnu::noinline]] void carry(int slot);
  // Adds n to the count of `slot`.
  void add_count(int slot, std::uint64_t n);
  // f(slot, count) for every slot with a count, in ascending order of slot.
  template <class F>
  void for_each_count(F f) const {
    auto carry = carries_.begin();  // walked alongside: both ascend by slot
    for (std::size_t b = 0; b < place_.size(); ++b) {
      if (place_[b] < 0) continue;
      const Counter* const block = &counters_[static_cast<std::size_t>(place_[b]) << kMantissaBits];
      for (std::size_t m = 0; m < kPerExponent; ++m) {
        const auto slot = static_cast<int>(b << kMantissaBits | m);
        std::uint64_t n = block[m];
        if (carry != carries_.end() && carry->first == slot) n += (carry++)->second;
        if (n != 0) f(slot, n);
      }
    }
  }
  std::uint64_t total(int first_slot, int end_slot) const;
  static constexpr std::array<std::int16_t, kBlocks> kNoBlocks = [] {
    std::array<std::int16_t, kBlocks> none{};
    none.fill(-1);
    return none;
  }();
  std::array<std::int16_t, kBlocks> place_ = kNoBlocks;  // in the object: one load less
  std::vector<Counter> counters_;
  std::map<int, std::uint64_t> carries_;  // per slot: its count beyond its counter
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

// Exact counts of integer outcomes. Years and -1 (the common cases: "never" is -1, and
// both come once per path) are counted in flat storage, anything else in a map: a map
// insert per path was a visible part of the per-path cost.
class Counts {
 public:
  void add(long long value) {
    const auto offset = static_cast<unsigned long long>(value - kFirstYear);
    if (offset < kYears) {
      if (years_.empty()) years_.assign(kYears, 0);
      ++years_[offset];
    } else if (value == -1) {
      ++never_;
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
  std::uint64_t never_ = 0;           // the count of -1
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
