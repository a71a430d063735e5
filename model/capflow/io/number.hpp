#pragma once
// Exact numbers as scenario files write them, and their text forms.
//
// Money and shares are read from the characters of the file, never through a binary
// double: "0.49" is exactly 49/100 and "17.3B" exactly 17,300,000,000.

#include <boost/multiprecision/cpp_int.hpp>
#include <string>
#include <string_view>
#include <type_traits>

#include "capflow/io/result.hpp"

namespace capflow {

using Rational = boost::multiprecision::cpp_rational;
using Integer = boost::multiprecision::cpp_int;

// An exact amount of US dollars.
using Money = Rational;
// An exact fraction, e.g. a holder's share of a tier; in [0, 1] where the format says so.
using Share = Rational;

// Largest magnitude accepted for any money value: $10^18. Far above any real figure,
// small enough that the double engine keeps better than a cent per $10^4 of precision.
inline constexpr int kMaxMoneyExponent = 18;

// Most digits a number may have (integer and fraction together; 19 for $10^18 and 60
// decimals fit with room): longer text is refused before any big-integer arithmetic.
inline constexpr int kMaxNumberDigits = 100;

// Parses a money value: optional sign, digits with optional `_` or `,` separators
// between digits, optional fraction, optional exponent, optional suffix K, M, B or T
// (10^3, 10^6, 10^9, 10^12). Examples: "1500000000", "1.5B", "194M", "17.3e9", "-2,500".
// Returns the exact value, or what was wrong with the text.
Result<Rational> parse_money(std::string_view text);

// Parses a share or rate: a decimal ("0.49", "1e-2") or a percentage ("49%", "12.5%").
// Returns the exact value; range checks are the caller's (a growth rate may exceed 1).
Result<Rational> parse_share(std::string_view text);

// Nearest whole number of cents, ties away from zero. The one rounding rule for a
// single amount; splitting a total among holders uses allocate_cents (rounding.hpp).
Integer round_to_cents(const Rational& dollars);
// Whole cents rounded up (towards +infinity): the profit at which a threshold is met, so
// that at that many cents it is met and one cent less it is not.
Integer ceil_cents(const Rational& dollars);

// "1234.50" / "-0.05": cents as a plain decimal with exactly two decimals.
std::string format_cents(const Integer& cents);
// "1,234.50": the same with thousands separators, for tables.
std::string format_cents_grouped(const Integer& cents);

// Exact decimal text of v when it has at most max_places decimals ("0.125", "3"),
// otherwise v rounded half away from zero to max_places decimals, trailing zeros dropped.
std::string format_decimal(const Rational& v, int max_places = 12);

// v rounded half away from zero to exactly `places` decimals: "18.40", "0.05".
std::string format_fixed(const Rational& v, int places);

// "49%" / "12.5%" / "33.333333%": v × 100 via format_decimal with max_places - 2.
std::string format_percent(const Rational& v, int max_places = 8);

// Compact money for humans: "$500B", "$17.3B", "$194M", "$1.25T", "$950".
std::string format_money_short(const Rational& dollars);

// Closest double to v (used where Monte Carlo takes over from exact arithmetic).
double to_double(const Rational& v);

// v in the engines' number type: itself for Rational, the closest double for double.
template <class Num>
Num to_num(const Rational& v) {
  if constexpr (std::is_same_v<Num, double>) {
    return to_double(v);
  } else {
    return v;
  }
}

}  // namespace capflow
