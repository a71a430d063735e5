#pragma once
// Sampling a named random input by inverse transform: value = F⁻¹(u) for a uniform u,
// with Boost.Math's quantile functions, so that a Gaussian copula (u = Φ(correlated z))
// carries correlations into any marginal distribution.

#include "capflow/terms/uncertainty_spec.hpp"

namespace capflow {

class Sampler {
 public:
  explicit Sampler(const DistributionSpec& spec);
  // F⁻¹(u), truncated to [truncate_min, truncate_max] when given. REQUIRES: 0 < u < 1.
  double quantile(double u) const;
  // The distribution's mean and variance before truncation (for tests and docs).
  double mean() const;
  double variance() const;

 private:
  double raw_quantile(double u) const;
  double cdf(double x) const;
  DistributionSpec d_;
  double lo_u_ = 0, hi_u_ = 1;   // CDF at the truncation bounds
  double alpha_ = 1, beta_ = 1;  // PERT's beta parameters
  std::vector<double> cumulative_;
};

}  // namespace capflow
