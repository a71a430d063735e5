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
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0))
    throw AccumulatorError(pointer, "expected a count (a whole number >= 0), found " + v.dump());
  return v.get<std::uint64_t>();
}

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
  Moments m(j.at("scale").get<double>());
  m.count_ = read_count(j.at("n"), "/n");
  m.sum_ = Big(j.at("sum").get<std::string>());
  m.sq_ = Big(j.at("sum_sq").get<std::string>());
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
  if (const auto zero = read_count(j.at("zero"), "/zero"); zero != 0) s.add_count(kZeroSlot, zero);
  auto side = [&s, &j](const std::string& sign) {
    const nlohmann::json& a = j.at(sign);
    for (std::size_t i = 0; i < a.size(); ++i) {
      read_at("/" + sign + "/" + std::to_string(i), [&] {
        const auto& e = a.at(i);
        const auto key = e.at(0).get<std::size_t>();
        if (key >= static_cast<std::size_t>(kBuckets))
          throw AccumulatorError("/0", "no sketch bucket " + std::to_string(key));
        const int k = static_cast<int>(key);
        const auto n = read_count(e.at(1), "/1");
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
  for (std::size_t i = 0; i < j.size(); ++i) {
    const auto& e = j.at(i);
    const auto value =
        read_at("/" + std::to_string(i) + "/0", [&] { return e.at(0).get<long long>(); });
    const auto n = read_count(e.at(1), "/" + std::to_string(i) + "/1");
    const auto offset = static_cast<unsigned long long>(value - kFirstYear);
    if (offset < kYears) {
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
