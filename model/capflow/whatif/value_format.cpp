#include "capflow/whatif/value_format.hpp"

#include <cstdio>

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace capflow {
namespace {

Integer round_half_away(const Rational& v) {
  const Rational shifted = v >= 0 ? v + Rational(1, 2) : v - Rational(1, 2);
  return numerator(shifted) / denominator(shifted);  // cpp_int division truncates
}

std::string group(const std::string& digits) {
  std::string out;
  const std::size_t n = digits.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string trim_zeros(std::string s) {
  if (s.find('.') == std::string::npos) return s;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

std::string format_money_compact(const Rational& dollars, int significant) {
  static const struct {
    int exponent;
    const char* suffix;
  } kUnits[] = {{12, "T"}, {9, "B"}, {6, "M"}, {3, "K"}, {0, ""}};
  const std::string sign = dollars < 0 ? "-" : "";
  const Rational mag = abs(dollars);
  for (std::size_t u = 0; u < std::size(kUnits); ++u) {
    Integer power = 1;
    for (int e = 0; e < kUnits[u].exponent; ++e) power *= 10;
    const Rational unit(power);
    if (mag < unit && kUnits[u].exponent > 0) continue;
    if (kUnits[u].exponent == 0) {
      // Under $1,000: whole dollars, or cents when the amount has any.
      const Integer cents = round_to_cents(mag);
      if (cents >= 100000) return sign + "$1K";       // 999.999 rounds to a thousand
      const std::string sg = cents == 0 ? "" : sign;  // no "-$0"
      if (cents % 100 == 0) return sg + "$" + Integer(cents / 100).str();
      return sg + "$" + format_fixed(mag, 2);
    }
    const Rational scaled = mag / unit;
    int int_digits = 1;
    for (Rational t = scaled; t >= 10; t /= 10) ++int_digits;
    const int places = std::max(0, significant - int_digits);
    std::string text = trim_zeros(format_fixed(scaled, places));
    // Rounding may carry into the next unit: 999.96B is $1T.
    if (u > 0 && std::atof(text.c_str()) >= 1000) {
      text = trim_zeros(format_fixed(scaled / 1000, std::max(0, significant - 1)));
      return sign + "$" + text + kUnits[u - 1].suffix;
    }
    return sign + "$" + text + kUnits[u].suffix;
  }
  return sign + "$0";
}

std::string format_money_summary(double dollars) {
  if (!std::isfinite(dollars)) return "n/a";
  // Through a decimal string: the compact format works on exact values.
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", dollars);
  return format_money_compact(*exact_number(buf), 3);
}

std::string format_probability(double p) {
  if (!std::isfinite(p)) return "n/a";
  if (p > 0 && p < 0.0005) return "<0.1%";
  if (p < 1 && p >= 0.9995) return ">99.9%";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", p * 100);
  return buf;
}

std::string format_money_full(const Rational& dollars) {
  const Integer cents = round_to_cents(dollars);
  std::string grouped = format_cents_grouped(cents);
  if (!grouped.empty() && grouped[0] == '-') return "-$" + grouped.substr(1);
  return "$" + grouped;
}

std::string format_pct(const Rational& fraction, int decimals) {
  return format_fixed(fraction * 100, decimals) + "%";
}

std::string format_int(const Rational& v) {
  const Integer i = round_half_away(v);
  if (i < 0) return "-" + group(Integer(-i).str());
  return group(i.str());
}

std::string format_year(const Rational& v) {
  return round_half_away(v).str();
}

std::optional<Rational> exact_number(const std::string& text) {
  // Only plain JSON-style numbers: "92B" or "1,000" are scenario syntax, not result values.
  if (text.empty() || text.find_first_not_of("0123456789+-.eE") != std::string::npos) {
    return std::nullopt;
  }
  if (auto r = parse_money(text)) return r.value();
  // Beyond money's limits (above 10^18, exponents past 60) a result value is still a
  // number: take the double it denotes, exactly.
  double d = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, d);
  if (ec != std::errc() || ptr != end || !std::isfinite(d)) return std::nullopt;
  return Rational(d);
}

}  // namespace capflow
