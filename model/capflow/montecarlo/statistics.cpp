#include "capflow/montecarlo/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace capflow {
namespace {

using Big = boost::multiprecision::cpp_int;

Big from_int128(Int128 v) {
  bool neg = v < 0;
  UInt128 mag = neg ? static_cast<UInt128>(-(v + 1)) + 1 : static_cast<UInt128>(v);
  Big b = static_cast<std::uint64_t>(mag >> 64);
  b <<= 64;
  b += static_cast<std::uint64_t>(mag);
  return neg ? Big(-b) : b;
}

double big_ratio(const Big& num, const Big& den) {
  // Exact quotient rounded once: scale so the integer part carries 64 significant bits.
  boost::multiprecision::cpp_rational r(num, den);
  return r.convert_to<double>();
}

}  // namespace

std::uint64_t read_count(const nlohmann::json& v, const std::string& pointer) {
  // Integers only: a float (1e300, -1.5) converted to an integer type is undefined.
  const bool whole =
      v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0);
  if (!whole || v.get<std::uint64_t>() > kMaxCount) {
    throw AccumulatorError(pointer,
                           "expected a count (a whole number from 0 to 2^53), found " + v.dump());
  }
  return v.get<std::uint64_t>();
}

std::int64_t read_integer(const nlohmann::json& v, const std::string& pointer, std::int64_t lo,
                          std::int64_t hi) {
  const bool fits = v.is_number_integer() &&
                    !(v.is_number_unsigned() && v.get<std::uint64_t>() > std::uint64_t{INT64_MAX});
  if (!fits || v.get<std::int64_t>() < lo || v.get<std::int64_t>() > hi) {
    throw AccumulatorError(pointer, "expected a whole number from " + std::to_string(lo) + " to " +
                                        std::to_string(hi) + ", found " + v.dump());
  }
  return v.get<std::int64_t>();
}

namespace {

// An exact sum as the accumulators write it: optional '-', then decimal digits, at most
// kMaxSumDigits of them (counted before any big-integer arithmetic, which is quadratic in
// the length). Sums of 2^53 values of at most 2^64 each, squared, have 70 digits.
constexpr std::size_t kMaxSumDigits = 100;

Big read_sum(const nlohmann::json& v, const std::string& pointer) {
  if (!v.is_string()) throw AccumulatorError(pointer, "expected a decimal integer as a string");
  const std::string& t = v.get_ref<const std::string&>();
  const std::size_t digits = t.size() - (t.starts_with('-') ? 1 : 0);
  if (digits == 0 || digits > kMaxSumDigits ||
      !std::all_of(t.end() - static_cast<std::ptrdiff_t>(digits), t.end(),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    throw AccumulatorError(pointer, "expected a decimal integer of at most " +
                                        std::to_string(kMaxSumDigits) + " digits");
  }
  return Big(t);
}

}  // namespace

void Moments::flush() const {
  // The lane sums are at most 2^62 each, so with the pending small sums (below 2^70 and
  // 2^120) they fit 128 bits.
  for (std::size_t l = 0; l < 4; ++l) {
    small_sum_ += lanes_.sum[l];
    small_sq_ += (static_cast<Int128>(lanes_.hh[l]) << 50) +
                 (static_cast<Int128>(lanes_.hl[l]) << 26) + static_cast<Int128>(lanes_.ll[l]);
  }
  lanes_ = LaneSums{};
  lane_pending_ = 0;
  sum_ += from_int128(small_sum_);
  sq_ += from_int128(small_sq_);
  small_sum_ = small_sq_ = 0;
  pending_ = 0;
}

void Moments::add_big(double q) {
  if (!std::isfinite(q)) throw std::domain_error("Moments::add: non-finite value");
  flush();
  Big v(std::nearbyint(q));
  sum_ += v;
  sq_ += v * v;
}

void Moments::merge(const Moments& other) {
  if (other.scale_ != scale_) throw std::logic_error("Moments::merge: different scales");
  flush();
  other.flush();
  sum_ += other.sum_;
  sq_ += other.sq_;
  count_ += other.count_;
}

double Moments::mean() const {
  if (count_ == 0) return 0;
  flush();
  return big_ratio(sum_, Big(count_)) / scale_;
}

double Moments::sd() const {
  if (count_ < 2) return 0;
  flush();
  // (n Σx² − (Σx)²) / (n (n − 1)), exact in integers, rounded once.
  Big n(count_);
  Big num = n * sq_ - sum_ * sum_;
  Big den = n * (n - 1);
  double var = big_ratio(num, den);
  return std::sqrt(var < 0 ? 0 : var) / scale_;
}

nlohmann::json Moments::to_json() const {
  flush();
  return {{"scale", scale_}, {"n", count_}, {"sum", sum_.str()}, {"sum_sq", sq_.str()}};
}

Moments Moments::from_json(const nlohmann::json& j) {
  const auto& scale = j.at("scale");
  if (!scale.is_number() || !(scale.get<double>() > 0) || !std::isfinite(scale.get<double>()))
    throw AccumulatorError("/scale", "expected a positive number, found " + scale.dump());
  Moments m(scale.get<double>());
  m.count_ = read_count(j.at("n"), "/n");
  m.sum_ = read_sum(j.at("sum"), "/sum");
  m.sq_ = read_sum(j.at("sum_sq"), "/sum_sq");
  // Σx² >= (Σx)²/n for any values: anything else was not made by adding values.
  if (m.sq_ < 0 || (m.count_ == 0 && (m.sum_ != 0 || m.sq_ != 0)) ||
      Big(m.count_) * m.sq_ < m.sum_ * m.sum_) {
    throw AccumulatorError("/sum_sq", "inconsistent with /sum and /n (not sums of n values)");
  }
  return m;
}

Sketch::Counter& Sketch::grow(int slot) {
  static_assert(kBlocks <= std::numeric_limits<std::int16_t>::max());
  auto& p = place_[static_cast<std::size_t>(slot >> kMantissaBits)];
  if (p < 0) {
    p = static_cast<std::int16_t>(counters_.size() >> kMantissaBits);
    counters_.resize(counters_.size() + kPerExponent, 0);
  }
  return at(slot);
}

double Sketch::value_of(int slot) {
  if (slot == kZeroSlot) return 0;
  const bool positive = slot >= kFirstPositive;
  const int key = positive ? slot - kFirstPositive : kBuckets - 1 - slot;
  const int exponent = (key >> kMantissaBits) + kMinExponent;
  const int mantissa = key & ((1 << kMantissaBits) - 1);
  const double lo = 1.0 + static_cast<double>(mantissa) / (1 << kMantissaBits);
  const double hi = 1.0 + static_cast<double>(mantissa + 1) / (1 << kMantissaBits);
  const double mid = std::ldexp((lo + hi) / 2, exponent);
  return positive ? mid : -mid;
}

void Sketch::carry(int slot) {
  carries_[slot] += kCounterRange;
}

void Sketch::add_count(int slot, std::uint64_t n) {
  Counter& c = at(slot);
  const std::uint64_t full = c + n;
  c = static_cast<Counter>(full % kCounterRange);
  if (const std::uint64_t high = full - c; high != 0) carries_[slot] += high;
}

void Sketch::merge(const Sketch& other) {
  other.for_each_count([this](int slot, std::uint64_t n) { add_count(slot, n); });
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

std::uint64_t Sketch::total(int first_slot, int end_slot) const {
  std::uint64_t total = 0;
  for_each_count([&](int slot, std::uint64_t n) {
    if (slot >= first_slot && slot < end_slot) total += n;
  });
  return total;
}

std::uint64_t Sketch::count() const {
  return total(0, kSlots);
}

double Sketch::fraction_positive() const {
  const std::uint64_t n = count();
  return n == 0 ? 0 : static_cast<double>(total(kFirstPositive, kSlots)) / static_cast<double>(n);
}

double Sketch::quantile(double q) const {
  const std::uint64_t n = count();
  if (n == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(std::floor(q * static_cast<double>(n - 1)));
  // The extreme order statistics are known exactly (unless loaded from old accumulators).
  if (rank == 0 && std::isfinite(min_)) return min_;
  if (rank == n - 1 && std::isfinite(max_)) return max_;
  // Slots are in ascending order of value. A midpoint can lie beyond the extreme value
  // in its bucket; the extremes are exact.
  std::uint64_t seen = 0;
  int at_rank = -1;
  for_each_count([&](int slot, std::uint64_t in_slot) {
    if (at_rank >= 0) return;
    seen += in_slot;
    if (seen > rank) at_rank = slot;
  });
  return at_rank >= 0 ? std::clamp(value_of(at_rank), min_, max_) : max_;
}

nlohmann::json Sketch::to_json() const {
  // Each sign as [key, count] pairs in increasing order of magnitude.
  nlohmann::json positive = nlohmann::json::array(), negative = nlohmann::json::array();
  std::uint64_t zero = 0;
  for_each_count([&](int s, std::uint64_t n) {
    if (s >= kFirstPositive) {
      positive.push_back({static_cast<std::size_t>(s - kFirstPositive), n});
    } else if (s == kZeroSlot) {
      zero = n;
    } else {
      negative.push_back({static_cast<std::size_t>(kBuckets - 1 - s), n});
    }
  });
  std::reverse(negative.begin(), negative.end());
  nlohmann::json j{{"zero", zero}, {"positive", positive}, {"negative", negative}};
  if (min_ <= max_) {
    j["min"] = min_;
    j["max"] = max_;
  }
  return j;
}

Sketch Sketch::from_json(const nlohmann::json& j) {
  Sketch s;
  // The running total stays a count (at most 2^53): no counter sum can overflow.
  std::uint64_t total = 0;
  auto counted = [&total](std::uint64_t n) {
    total += n;  // both at most 2^53: no overflow
    if (total > kMaxCount) throw AccumulatorError("/1", "the counts add up to more than 2^53");
    return n;
  };
  if (const auto zero = read_count(j.at("zero"), "/zero"); zero != 0)
    s.add_count(kZeroSlot, counted(zero));
  auto side = [&s, &j, &counted](const std::string& sign) {
    const nlohmann::json& a = j.at(sign);
    if (!a.is_array()) throw AccumulatorError("/" + sign, "expected an array of [bucket, count]");
    for (std::size_t i = 0; i < a.size(); ++i) {
      read_at("/" + sign + "/" + std::to_string(i), [&] {
        const auto& e = a.at(i);
        const int k = static_cast<int>(read_integer(e.at(0), "/0", 0, kBuckets - 1));
        const auto n = counted(read_count(e.at(1), "/1"));
        s.add_count(sign == "positive" ? kFirstPositive + k : kBuckets - 1 - k, n);
        return 0;
      });
    }
  };
  side("positive");
  side("negative");
  // Results written before the extremes were kept have none: no clamping for them.
  if (j.contains("min") && j.contains("max")) {
    s.min_ = j.at("min").get<double>();
    s.max_ = j.at("max").get<double>();
    if (s.count() > 0 && !(s.min_ <= s.max_))
      throw AccumulatorError("/min", "the minimum is above the maximum");
  } else if (s.count() > 0) {
    s.min_ = -std::numeric_limits<double>::infinity();
    s.max_ = std::numeric_limits<double>::infinity();
  }
  return s;
}

void Counts::merge(const Counts& other) {
  if (!other.years_.empty()) {
    if (years_.empty()) years_.assign(kYears, 0);
    for (std::size_t i = 0; i < kYears; ++i) years_[i] += other.years_[i];
  }
  never_ += other.never_;
  for (const auto& [k, v] : other.other_) other_[k] += v;
}

std::map<long long, std::uint64_t> Counts::counts() const {
  std::map<long long, std::uint64_t> all = other_;
  if (never_ != 0) all[-1] += never_;
  for (std::size_t i = 0; i < years_.size(); ++i) {
    if (years_[i] != 0) all[kFirstYear + static_cast<long long>(i)] += years_[i];
  }
  return all;
}

nlohmann::json Counts::to_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [k, v] : counts()) out.push_back({k, v});
  return out;
}

Counts Counts::from_json(const nlohmann::json& j) {
  Counts c;
  if (!j.is_array()) throw AccumulatorError("", "expected an array of [value, count]");
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const auto& e = j.at(i);
    const std::string at = "/" + std::to_string(i);
    const long long value = read_at(at, [&] {
      return read_integer(e.at(0), "/0", -(std::int64_t{1} << 62), std::int64_t{1} << 62);
    });
    const auto n = read_count(e.at(1), at + "/1");
    total += n;  // both at most 2^53: no overflow
    if (total > kMaxCount) throw AccumulatorError(at + "/1", "the counts add up to more than 2^53");
    if (value >= kFirstYear && static_cast<unsigned long long>(value - kFirstYear) < kYears) {
      const auto offset = static_cast<unsigned long long>(value - kFirstYear);
      if (c.years_.empty()) c.years_.assign(kYears, 0);
      c.years_[offset] += n;
    } else if (value == -1) {
      c.never_ += n;
    } else {
      c.other_[value] += n;
    }
  }
  return c;
}

}  // namespace capflow
