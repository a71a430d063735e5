#pragma once
// Axes for capflow's charts: nice tick values (1-2-5 steps, or powers of ten on a log
// scale), when to use a log scale, and tick labels people read at a glance ($10B, $1.5T).

#include <string>
#include <vector>

namespace capflow::charts {

enum class Kind { money, number, percent, year };

// Money for a tick or a label: "$0", "$250M", "$10B", "$1.5T", "-$5B"; at most two
// decimals in the chosen unit, trailing zeros dropped ($1.25T, $1.5T, $2T).
std::string money_label(double dollars);
// A share as a percentage: 0.25 → "25%", 0.125 → "12.5%".
std::string percent_label(double share);

// The step of about `target` intervals over span: 1, 2 or 5 times a power of ten.
// REQUIRES: span > 0, target >= 1.
double nice_step(double span, int target);

// True when positive values from min_positive to max span more than two decades, the
// point where a linear axis squeezes the small values into the bottom pixels.
bool wants_log(double min_positive, double max);

struct Axis {
  Kind kind = Kind::number;
  bool log = false;
  double lo = 0, hi = 1;      // the domain, widened to tick values
  std::vector<double> ticks;  // increasing, within [lo, hi]
  // Position of v on a screen interval [a, b] (a at lo); on a log axis v <= 0 maps to a.
  double map(double v, double a, double b) const;
  std::string label(double v) const;
};

// An axis covering every finite value in `values` (empty: 0 to 1). With allow_log it is
// logarithmic when the positive values span more than two decades (values <= 0 are then
// left off the chart: the caller says so). target: about how many intervals.
Axis make_axis(const std::vector<double>& values, Kind kind, bool allow_log, int target = 5);

}  // namespace capflow::charts
