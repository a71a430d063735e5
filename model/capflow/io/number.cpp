#include "capflow/io/number.hpp"

#include <cctype>
#include <cstdlib>

namespace capflow {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

Integer pow10(int n) {
  Integer r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

// The decimal core shared by money and shares: sign, digits (with separators when
// allowed), fraction, exponent. `pos` ends at the first character it did not take.
struct Decimal {
  bool negative = false;
  Integer digits = 0;  // all significant digits, fraction included
  int scale = 0;       // value = digits × 10^(exponent - scale)
  int exponent = 0;
};

Result<Decimal> scan_decimal(std::string_view s, std::size_t& pos, bool allow_separators) {
  Decimal d;
  if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    d.negative = s[pos] == '-';
    ++pos;
  }
  int int_digits = 0;
  // Commas group thousands, so "1,5" is a typo rather than 15: every group after a comma
  // has exactly three digits, the first one to three. Underscores group freely.
  int group_digits = 0;
  char first_digit = 0;
  bool grouped = false;
  auto too_many_digits = [] {
    return Result<Decimal>::failure("more than " + std::to_string(kMaxNumberDigits) + " digits");
  };
  auto bad_grouping = [] {
    return Result<Decimal>::failure(
        "commas must separate groups of three digits (and a decimal point is '.')");
  };
  while (pos < s.size()) {
    char c = s[pos];
    if (is_digit(c)) {
      if (int_digits == 0) first_digit = c;
      // Counted before the arithmetic: each digit costs a big-integer step as long as
      // the number so far, so a hostile million digits would take minutes.
      if (int_digits >= kMaxNumberDigits) return too_many_digits();
      d.digits = d.digits * 10 + (c - '0');
      ++int_digits;
      ++group_digits;
      ++pos;
    } else if (allow_separators && (c == '_' || c == ',') && int_digits > 0 && pos + 1 < s.size() &&
               is_digit(s[pos + 1])) {
      if (c == ',') {
        // A leading zero before a comma ("0,001") is a decimal comma, not grouping.
        if (grouped ? group_digits != 3 : group_digits > 3 || first_digit == '0')
          return bad_grouping();
        grouped = true;
        group_digits = 0;
      }
      ++pos;
    } else {
      break;
    }
  }
  if (grouped && group_digits != 3) return bad_grouping();
  if (int_digits == 0) return Result<Decimal>::failure("expected a digit");
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int frac_digits = 0;
    while (pos < s.size() && is_digit(s[pos])) {
      if (int_digits + frac_digits >= kMaxNumberDigits) return too_many_digits();
      d.digits = d.digits * 10 + (s[pos] - '0');
      ++d.scale;
      ++frac_digits;
      ++pos;
    }
    if (frac_digits == 0) return Result<Decimal>::failure("expected a digit after '.'");
  }
  if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
    ++pos;
    bool neg = false;
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
      neg = s[pos] == '-';
      ++pos;
    }
    int exp_digits = 0;
    long e = 0;
    while (pos < s.size() && is_digit(s[pos])) {
      if (e < 100000) e = e * 10 + (s[pos] - '0');
      ++exp_digits;
      ++pos;
    }
    if (exp_digits == 0) return Result<Decimal>::failure("expected digits after the exponent 'e'");
    if (e > 60) return Result<Decimal>::failure("exponent out of range (at most 60)");
    d.exponent = static_cast<int>(neg ? -e : e);
  }
  // A number with hundreds of digits is not a figure anyone means; refuse before the
  // rational arithmetic has to carry it.
  if (d.scale > 60) return Result<Decimal>::failure("too many decimals (at most 60)");
  return d;
}

Rational to_rational(const Decimal& d) {
  int e = d.exponent - d.scale;
  Rational r = e >= 0 ? Rational(d.digits * pow10(e)) : Rational(d.digits, pow10(-e));
  return d.negative ? Rational(-r) : r;
}

std::string describe(std::string_view text) {
  // A hostile megabyte of digits is not repeated back in full.
  if (text.size() > 60)
    return "\"" + std::string(text.substr(0, 40)) + "...\" (" + std::to_string(text.size()) +
           " characters)";
  return "\"" + std::string(text) + "\"";
}

}  // namespace

Result<Rational> parse_money(std::string_view text) {
  std::size_t pos = 0;
  auto dec = scan_decimal(text, pos, /*allow_separators=*/true);
  const std::string expected =
      "money is digits with optional sign, fraction, exponent and suffix K/M/B/T "
      "(e.g. \"1.5B\", \"194M\", \"17.3e9\", \"1,500,000\")";
  if (!dec) return Result<Rational>::failure(describe(text) + ": " + dec.error() + "; " + expected);
  Decimal d = std::move(dec).value();
  if (pos < text.size()) {
    switch (text[pos]) {
      case 'K':
        d.exponent += 3;
        ++pos;
        break;
      case 'M':
        d.exponent += 6;
        ++pos;
        break;
      case 'B':
        d.exponent += 9;
        ++pos;
        break;
      case 'T':
        d.exponent += 12;
        ++pos;
        break;
      default:
        break;
    }
  }
  if (pos != text.size()) {
    return Result<Rational>::failure(describe(text) + ": unexpected '" + std::string(1, text[pos]) +
                                     "'; " + expected);
  }
  Rational v = to_rational(d);
  if (abs(v) > Rational(pow10(kMaxMoneyExponent))) {
    return Result<Rational>::failure(describe(text) + ": magnitude above $10^18 is not accepted");
  }
  return v;
}

Result<Rational> parse_share(std::string_view text) {
  std::size_t pos = 0;
  auto dec = scan_decimal(text, pos, /*allow_separators=*/false);
  const std::string expected =
      "a share is a fraction such as 0.49, \"0.49\" or a percentage such as \"49%\"";
  if (!dec) return Result<Rational>::failure(describe(text) + ": " + dec.error() + "; " + expected);
  Rational v = to_rational(dec.value());
  if (pos < text.size() && text[pos] == '%') {
    v /= 100;
    ++pos;
  }
  if (pos != text.size()) {
    return Result<Rational>::failure(describe(text) + ": unexpected '" + std::string(1, text[pos]) +
                                     "'; " + expected);
  }
  if (abs(v) > Rational(pow10(kMaxMoneyExponent))) {
    return Result<Rational>::failure(describe(text) + ": magnitude out of range");
  }
  return v;
}

Integer ceil_cents(const Rational& dollars) {
  const Rational cents = dollars * 100;
  Integer q = numerator(cents) / denominator(cents);  // truncates towards zero
  if (Rational(q) < cents) ++q;
  return q;
}

Integer round_to_cents(const Rational& dollars) {
  Rational cents = dollars * 100;
  Integer num = numerator(cents);
  Integer den = denominator(cents);  // always positive
  bool negative = num < 0;
  Integer mag = negative ? Integer(-num) : num;
  Integer q = mag / den;
  Integer r = mag % den;
  if (2 * r >= den) ++q;
  return negative ? Integer(-q) : q;
}

std::string format_cents(const Integer& cents) {
  bool negative = cents < 0;
  Integer mag = negative ? Integer(-cents) : cents;
  std::string whole = Integer(mag / 100).str();
  std::string frac = Integer(mag % 100).str();
  if (frac.size() < 2) frac.insert(0, 2 - frac.size(), '0');
  return (negative ? "-" : "") + whole + "." + frac;
}

std::string format_cents_grouped(const Integer& cents) {
  std::string plain = format_cents(cents);
  std::size_t start = plain[0] == '-' ? 1 : 0;
  std::size_t dot = plain.find('.');
  std::string out = plain.substr(0, start);
  std::string whole = plain.substr(start, dot - start);
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) out += ',';
    out += whole[i];
  }
  return out + plain.substr(dot);
}

std::string format_decimal(const Rational& v, int max_places) {
  Rational scaled = abs(v) * Rational(pow10(max_places));
  Integer num = numerator(scaled);
  Integer den = denominator(scaled);
  Integer q = num / den;
  Integer r = num % den;
  if (2 * r >= den) ++q;
  std::string digits = q.str();
  if (static_cast<int>(digits.size()) <= max_places) {
    digits.insert(0, static_cast<std::size_t>(max_places) + 1 - digits.size(), '0');
  }
  std::string whole = digits.substr(0, digits.size() - static_cast<std::size_t>(max_places));
  std::string frac = digits.substr(digits.size() - static_cast<std::size_t>(max_places));
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  bool zero = q == 0;
  std::string out = (v < 0 && !zero ? "-" : "") + whole;
  if (!frac.empty()) out += "." + frac;
  return out;
}

std::string format_fixed(const Rational& v, int places) {
  std::string s = format_decimal(v, places);
  std::size_t dot = s.find('.');
  int have = dot == std::string::npos ? 0 : static_cast<int>(s.size() - dot - 1);
  if (have == places) return s;
  if (dot == std::string::npos && places > 0) s += '.';
  return s + std::string(static_cast<std::size_t>(places - have), '0');
}

std::string format_percent(const Rational& v, int max_places) {
  return format_decimal(v * 100, max_places - 2) + "%";
}

std::string format_money_short(const Rational& dollars) {
  static const struct {
    int exponent;
    const char* suffix;
  } kUnits[] = {{12, "T"}, {9, "B"}, {6, "M"}, {3, "K"}};
  Rational mag = abs(dollars);
  std::string sign = dollars < 0 ? "-" : "";
  for (const auto& u : kUnits) {
    Rational unit(pow10(u.exponent));
    if (mag >= unit) return sign + "$" + format_decimal(mag / unit, 2) + u.suffix;
  }
  return sign + "$" + format_decimal(mag, 2);
}

double to_double(const Rational& v) {
  return v.convert_to<double>();
}

}  // namespace capflow
