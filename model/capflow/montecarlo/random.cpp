#include "capflow/montecarlo/random.hpp"

#include <cmath>

namespace capflow {

double normal_quantile_tail(double p) {
  return normal_quantile_tail_of(p, [](double x) { return std::sqrt(x); });
}

double normal_cdf(double z) {
  return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

}  // namespace capflow
