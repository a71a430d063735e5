#include "capflow_charts/axis.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace capflow::charts {
namespace {

// v in at most `places` decimals, trailing zeros dropped.
std::string trimmed(double v, int places) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", places, v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

// Ticks are sums of steps: snap values within rounding noise of a round number.
double snap(double v, double step) {
  const double r = std::round(v / step) * step;
  return std::fabs(r) < step * 1e-9 ? 0.0 : r;
}

}  // namespace

std::string money_label(double dollars) {
  if (!std::isfinite(dollars)) return "n/a";
  const double a = std::fabs(dollars);
  const std::string sign = dollars < 0 && a >= 0.005 ? "-" : "";
  struct Unit {
    double size;
    const char* suffix;
  };
  static constexpr Unit kUnits[] = {{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "K"}};
  for (const auto& u : kUnits) {
    // Rounding can carry 999.996B into 1000B: use the next unit up for it.
    if (a >= u.size * 0.999995) return sign + "$" + trimmed(a / u.size, 2) + u.suffix;
  }
  return sign + "$" + trimmed(a, a >= 100 ? 0 : 2);
}

std::string percent_label(double share) {
  if (!std::isfinite(share)) return "n/a";
  return trimmed(share * 100, 2) + "%";
}

double nice_step(double span, int target) {
  const double raw = span / std::max(1, target);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  const double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  return nice * mag;
}

bool wants_log(double min_positive, double max) {
  return min_positive > 0 && max > 0 && max / min_positive > 100;
}

double Axis::map(double v, double a, double b) const {
  double t;
  if (log) {
    if (!(v > 0)) return a;
    t = (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
  } else {
    t = (v - lo) / (hi - lo);
  }
  return a + t * (b - a);
}

std::string Axis::label(double v) const {
  switch (kind) {
    case Kind::money:
      return money_label(v);
    case Kind::percent:
      return percent_label(v);
    case Kind::year:
      return trimmed(v, 0);
    case Kind::number:
      break;
  }
  const double a = std::fabs(v);
  if (a >= 1e6) return money_label(v).erase(v < 0 ? 1 : 0, 1);
  return trimmed(v, a >= 100 ? 0 : a >= 1 ? 2 : 4);
}

Axis make_axis(const std::vector<double>& values, Kind kind, bool allow_log, int target) {
  Axis axis;
  axis.kind = kind;
  double lo = INFINITY, hi = -INFINITY, min_pos = INFINITY;
  for (double v : values) {
    if (!std::isfinite(v)) continue;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    if (v > 0) min_pos = std::min(min_pos, v);
  }
  if (lo > hi) lo = 0, hi = 1;
  if (allow_log && wants_log(min_pos, hi)) {
    axis.log = true;
    const int e0 = static_cast<int>(std::floor(std::log10(min_pos) + 1e-9));
    const int e1 = static_cast<int>(std::ceil(std::log10(hi) - 1e-9));
    axis.lo = std::pow(10.0, e0);
    axis.hi = std::pow(10.0, std::max(e1, e0 + 1));
    // Every decade while they fit, else every second or third one.
    const int decades = std::max(e1, e0 + 1) - e0;
    const int every = decades <= 8 ? 1 : decades <= 16 ? 2 : 3;
    for (int e = e0; e <= std::max(e1, e0 + 1); e += every) axis.ticks.push_back(std::pow(10.0, e));
    return axis;
  }
  if (kind == Kind::year) {
    lo = std::floor(lo), hi = std::ceil(hi);
  }
  if (hi == lo) {
    // One value: a span around it (or 0 to 1 for zero) so the axis is not degenerate.
    const double pad = lo == 0 ? 1 : std::fabs(lo) * 0.5;
    lo -= lo == 0 ? 0 : pad;
    hi += pad;
  }
  double step = nice_step(hi - lo, target);
  if (kind == Kind::year) step = std::max(1.0, step);
  axis.lo = snap(std::floor(lo / step + 1e-9) * step, step);
  axis.hi = snap(std::ceil(hi / step - 1e-9) * step, step);
  const auto n = static_cast<long>(std::llround((axis.hi - axis.lo) / step));
  for (long i = 0; i <= n; ++i)
    axis.ticks.push_back(snap(axis.lo + static_cast<double>(i) * step, step));
  return axis;
}

}  // namespace capflow::charts
