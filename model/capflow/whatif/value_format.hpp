#pragma once
// Numbers as people write them in prose and tables: the filters of `capflow render` and
// the cells of `capflow diff`. Every function is exact where its input is (Rational)
// and rounds half away from zero.

#include <optional>
#include <string>

#include "capflow/io/number.hpp"

namespace capflow {

// "$184.5B", "$92B", "$1.02T", "$950", "$12.50", "-$3.1M": four significant digits with
// K/M/B/T (10^3 … 10^12), trailing zeros dropped; below $1,000 whole dollars, or cents
// when there are any.
std::string format_money_compact(const Rational& dollars, int significant = 4);

// "$1,234,567.89": rounded to the cent, thousands separated.
std::string format_money_full(const Rational& dollars);

// "31.0%" for 0.31 (decimals after the point, default 1).
std::string format_pct(const Rational& fraction, int decimals = 1);

// "1,234,568": rounded to a whole number, thousands separated.
std::string format_int(const Rational& v);

// "2031": a whole number without separators; the nearest one for a fractional mean year.
std::string format_year(const Rational& v);

// The exact value of a JSON number or numeric string as written ("0.1" is 1/10, not the
// double nearest it); nullopt if the text is not a number.
std::optional<Rational> exact_number(const std::string& text);

}  // namespace capflow
