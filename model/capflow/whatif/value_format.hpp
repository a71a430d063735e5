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

// The money of summary tables (run, merge, sweep, tornado: statistics of many paths):
// "$29.1K", "$2.3M", "$1.01T", three significant digits (format_money_compact); "n/a"
// when not finite. Exact single answers (waterfall, project) print full cents instead.
std::string format_money_summary(double dollars);

// A probability: "31.0%", but "<0.1%" and ">99.9%" for one that is neither 0 nor 1 and
// would round to them, so that a rare event never reads as impossible or certain.
std::string format_probability(double p);

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
