#include "capflow/statistics.hpp"

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

void Moments::flush() const {
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
  m.count_ = j.at("n").get<std::uint64_t>();
  m.sum_ = Big(j.at("sum").get<std::string>());
  m.sq_ = Big(j.at("sum_sq").get<std::string>());
  return m;
}

double Sketch::midpoint(int key) {
  int exponent = (key >> kMantissaBits) + kMinExponent;
  int mantissa = key & ((1 << kMantissaBits) - 1);
  double lo = 1.0 + static_cast<double>(mantissa) / (1 << kMantissaBits);
  double hi = 1.0 + static_cast<double>(mantissa + 1) / (1 << kMantissaBits);
  return std::ldexp((lo + hi) / 2, exponent);
}

void Sketch::merge(const Sketch& other) {
  auto add = [](Side& to, const Side& from) {
    for (std::size_t e = 0; e < from.size(); ++e) {
      const auto& block = from[e];
      for (std::size_t m = 0; m < block.size(); ++m) {
        if (block[m] != 0) at(to, static_cast<int>(e << kMantissaBits | m)) += block[m];
      }
    }
  };
  add(positive_, other.positive_);
  add(negative_, other.negative_);
  zero_ += other.zero_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

std::uint64_t Sketch::total(const Side& side) {
  std::uint64_t n = 0;
  for (const auto& block : side) {
    for (auto c : block) n += c;
  }
  return n;
}

std::uint64_t Sketch::count() const {
  return zero_ + total(positive_) + total(negative_);
}

double Sketch::fraction_positive() const {
  const std::uint64_t n = count();
  return n == 0 ? 0 : static_cast<double>(total(positive_)) / static_cast<double>(n);
}

double Sketch::quantile(double q) const {
  const std::uint64_t n = count();
  if (n == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(std::floor(q * static_cast<double>(n - 1)));
  // A midpoint can lie beyond the extreme value in its bucket; the extremes are exact.
  auto clamp = [&](double v) { return std::clamp(v, min_, max_); };
  // The extreme order statistics are known exactly (unless loaded from old accumulators).
  if (rank == 0 && std::isfinite(min_)) return min_;
  if (rank == n - 1 && std::isfinite(max_)) return max_;
  std::uint64_t seen = 0;
  // Ascending order: most negative first, then zero, then positive.
  for (int e = static_cast<int>(negative_.size()) - 1; e >= 0; --e) {
    const auto& block = negative_[static_cast<std::size_t>(e)];
    for (int m = static_cast<int>(block.size()) - 1; m >= 0; --m) {
      seen += block[static_cast<std::size_t>(m)];
      if (seen > rank) return clamp(-midpoint(e << kMantissaBits | m));
    }
  }
  seen += zero_;
  if (seen > rank) return 0;
  for (std::size_t e = 0; e < positive_.size(); ++e) {
    const auto& block = positive_[e];
    for (std::size_t m = 0; m < block.size(); ++m) {
      seen += block[m];
      if (seen > rank) return clamp(midpoint(static_cast<int>(e << kMantissaBits | m)));
    }
  }
  return max_;
}

nlohmann::json Sketch::to_json() const {
  auto side = [](const Side& v) {
    nlohmann::json out = nlohmann::json::array();
    for (std::size_t e = 0; e < v.size(); ++e) {
      for (std::size_t m = 0; m < v[e].size(); ++m) {
        if (v[e][m] != 0) out.push_back({e << kMantissaBits | m, v[e][m]});
      }
    }
    return out;
  };
  nlohmann::json j{{"zero", zero_}, {"positive", side(positive_)}, {"negative", side(negative_)}};
  if (min_ <= max_) {
    j["min"] = min_;
    j["max"] = max_;
  }
  return j;
}

Sketch Sketch::from_json(const nlohmann::json& j) {
  Sketch s;
  s.zero_ = j.at("zero").get<std::uint64_t>();
  auto side = [](const nlohmann::json& a, Side& v) {
    for (const auto& e : a) {
      auto i = e.at(0).get<std::size_t>();
      if (i >= static_cast<std::size_t>(kBuckets)) throw std::out_of_range("sketch bucket");
      at(v, static_cast<int>(i)) += e.at(1).get<std::uint64_t>();
    }
  };
  side(j.at("positive"), s.positive_);
  side(j.at("negative"), s.negative_);
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
  for (const auto& [k, v] : other.other_) other_[k] += v;
}

std::map<long long, std::uint64_t> Counts::counts() const {
  std::map<long long, std::uint64_t> all = other_;
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
  for (const auto& e : j) {
    const auto value = e.at(0).get<long long>();
    const auto n = e.at(1).get<std::uint64_t>();
    const auto offset = static_cast<unsigned long long>(value - kFirstYear);
    if (offset < kYears) {
      if (c.years_.empty()) c.years_.assign(kYears, 0);
      c.years_[offset] += n;
    } else {
      c.other_[value] += n;
    }
  }
  return c;
}

}  // namespace capflow
