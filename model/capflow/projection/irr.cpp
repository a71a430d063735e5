#include "capflow/projection/irr.hpp"

#include <algorithm>
#include <boost/math/tools/roots.hpp>
#include <cmath>
#include <map>
#include <optional>
#include <vector>

namespace capflow {

double npv(double rate, const std::vector<CashFlow>& flows) {
  if (flows.empty()) return 0;
  int t0 = flows.front().first;
  for (const auto& f : flows) t0 = std::min(t0, f.first);
  double sum = 0;
  for (const auto& [t, amount] : flows) sum += amount / std::pow(1 + rate, t - t0);
  return sum;
}

IrrResult irr(std::vector<CashFlow> flows) {
  std::map<int, double> by_year;
  for (const auto& [t, a] : flows) by_year[t] += a;
  flows.assign(by_year.begin(), by_year.end());
  std::erase_if(flows, [](const CashFlow& f) { return f.second == 0; });
  bool any_in =
      std::any_of(flows.begin(), flows.end(), [](const CashFlow& f) { return f.second < 0; });
  bool any_out =
      std::any_of(flows.begin(), flows.end(), [](const CashFlow& f) { return f.second > 0; });
  if (!any_in) return {std::nullopt, "no money paid in: IRR is undefined"};
  if (!any_out) return {-1.0, "nothing received: a total loss"};
  int sign_changes = 0;
  for (std::size_t k = 1; k < flows.size(); ++k) {
    if ((flows[k].second > 0) != (flows[k - 1].second > 0)) ++sign_changes;
  }
  std::string note =
      sign_changes > 1 ? "cash flows change sign more than once: the IRR may not be unique" : "";
  // NPV is continuous on (-1, inf); scan rates for a sign change and refine the first
  // bracket found with TOMS 748.
  auto f = [&](double r) { return npv(r, flows); };
  auto scan = [&](const std::vector<double>& rates) -> std::optional<double> {
    double lo = rates.front();
    double f_lo = f(lo);
    for (std::size_t k = 1; k < rates.size(); ++k) {
      if (f_lo == 0) return lo;
      double hi = rates[k];
      double f_hi = f(hi);
      if ((f_lo < 0) != (f_hi < 0)) {
        boost::uintmax_t iterations = 200;
        auto tol = boost::math::tools::eps_tolerance<double>(50);
        auto [a, b] = boost::math::tools::toms748_solve(f, lo, hi, f_lo, f_hi, tol, iterations);
        return (a + b) / 2;
      }
      lo = hi;
      f_lo = f_hi;
    }
    if (f_lo == 0) return lo;
    return std::nullopt;
  };
  static const std::vector<double> kGrid = {-0.999999, -0.99, -0.9,  -0.75, -0.5, -0.25,
                                            0.0,       0.1,   0.25,  0.5,   1.0,  2.0,
                                            5.0,       10.0,  100.0, 1000.0};
  if (auto r = scan(kGrid)) return {*r, note};
  // With one sign change NPV crosses zero once, so the coarse grid brackets it. With
  // several, two roots can share a grid cell (NPV -100, +230, -132 is zero at 10 % and
  // 20 %, negative on both sides): look again on a fine grid, even in log(1 + r).
  if (sign_changes > 1) {
    static const std::vector<double> kFine = [] {
      constexpr int kPoints = 4000;
      const double a = std::log(1e-6);
      const double b = std::log(1001.0);
      std::vector<double> rates;
      for (int k = 0; k <= kPoints; ++k) rates.push_back(std::exp(a + (b - a) * k / kPoints) - 1);
      return rates;
    }();
    if (auto r = scan(kFine)) return {*r, note};
  }
  return {std::nullopt, "no rate between -100% and +100000% sets the NPV to zero"};
}

}  // namespace capflow
