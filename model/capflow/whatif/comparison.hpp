#pragma once
// One compared quantity of `capflow diff`, whatever produced it (inputs, exact
// allocations or projections, Monte Carlo on common random numbers, saved result
// files), and the tolerance that decides whether it differs.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "capflow/io/number.hpp"
#include "capflow/io/result.hpp"

namespace capflow {

// What a value measures: decides how it is shown (not how it is compared).
enum class Unit { money, probability, ratio, year, count, text };

struct Comparison {
  std::string pointer;  // JSON pointer of the quantity, in the shape of the result files
  Unit unit = Unit::money;
  // Numbers: nullopt when the quantity is missing (or undefined) on that side.
  std::optional<double> a, b;
  // Exact values when both sides are exact (allocations, projections): the difference is
  // computed from these, not from the doubles.
  std::optional<Rational> a_exact, b_exact;
  // Text values (strings, booleans, null, or a value of another type on the other side).
  std::optional<std::string> a_text, b_text;
  // Monte Carlo only: standard errors of each mean and of the paired difference; the
  // unpaired one is sqrt(se_a² + se_b²), what two independent runs would give.
  std::optional<double> se_a, se_b, se_paired;
  std::uint64_t n = 0;  // paths that contributed (Monte Carlo)
  // Does not count toward the exit code (run metadata, file names).
  bool informational = false;

  bool numeric() const { return a.has_value() && b.has_value(); }
  // b − a, exact when both sides are.
  std::optional<double> difference() const;
  std::optional<double> se_unpaired() const;
};

// --tolerance: an absolute amount ("0", "1e6", "5M") or a relative one ("1%": the
// difference may be up to 1% of the larger magnitude of the two values).
struct Tolerance {
  Rational absolute = 0;
  std::optional<Rational> relative;  // a fraction (1% = 0.01)
  // Parses the flag's text. Negative or malformed values are errors.
  static Result<Tolerance> parse(const std::string& text);
};

// True when c differs beyond t: a number whose |b − a| exceeds the tolerance, a text
// that is not identical, or a value present on one side only.
bool differs(const Comparison& c, const Tolerance& t);

}  // namespace capflow
