#include "capflow/irr.hpp"

#include <algorithm>
#include <boost/math/tools/roots.hpp>
#include <cmath>
#include <map>

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
  bool any_in = std::any_of(flows.begin(), flows.end(), [](const CashFlow& f) { return f.second < 0; });
  bool any_out = std::any_of(flows.begin(), flows.end(), [](const CashFlow& f) { return f.second > 0; });
  if (!any_in) return {std::nullopt, "no money paid in: IRR is undefined"};
  if (!any_out) return {-1.0, "nothing received: a total loss"};
  int sign_changes = 0;
  for (std::size_t k = 1; k < flows.size(); ++k) {
    if ((flows[k].second > 0) != (flows[k - 1].second > 0)) ++sign_changes;
  }
  std::string note = sign_changes > 1 ? "cash flows change sign more than once: the IRR may not be unique" : "";
  // NPV is continuous on (-1, inf); scan a grid of rates for a sign change and refine
  // the first bracket found.
  const double grid[] = {-0.999999, -0.99, -0.9, -0.75, -0.5, -0.25, 0.0, 0.1, 0.25, 0.5,
                         1.0,       2.0,   5.0,  10.0,  100.0, 1000.0};
  double lo = grid[0];
  double f_lo = npv(lo, flows);
  for (std::size_t k = 1; k < std::size(grid); ++k) {
    double hi = grid[k];
    double f_hi = npv(hi, flows);
    if (f_lo == 0) return {lo, note};
    if ((f_lo < 0) != (f_hi < 0)) {
      boost::uintmax_t iterations = 200;
      auto tol = boost::math::tools::eps_tolerance<double>(50);
      auto [a, b] = boost::math::tools::toms748_solve([&](double r) { return npv(r, flows); }, lo,
                                                      hi, f_lo, f_hi, tol, iterations);
      return {(a + b) / 2, note};
    }
    lo = hi;
    f_lo = f_hi;
  }
  return {std::nullopt, "no rate between -100% and +100000% sets the NPV to zero"};
}

}  // namespace capflow
