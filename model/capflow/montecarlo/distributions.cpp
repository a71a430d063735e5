#include "capflow/montecarlo/distributions.hpp"

#include <algorithm>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/triangular.hpp>
#include <cmath>

namespace capflow {

using K = DistributionSpec::Kind;

Sampler::Sampler(const DistributionSpec& spec) : d_(spec) {
  if (d_.kind == K::pert) {
    const double range = d_.b - d_.a;
    alpha_ = 1 + d_.lambda * (d_.c - d_.a) / range;
    beta_ = 1 + d_.lambda * (d_.b - d_.c) / range;
  }
  if (d_.kind == K::discrete) {
    double acc = 0;
    for (double p : d_.probabilities) cumulative_.push_back(acc += p);
    cumulative_.back() = 1;
  }
  if (d_.truncate_min) lo_u_ = cdf(*d_.truncate_min);
  if (d_.truncate_max) hi_u_ = cdf(*d_.truncate_max);
}

double Sampler::cdf(double x) const {
  switch (d_.kind) {
    case K::fixed:
      return x < d_.a ? 0 : 1;
    case K::uniform:
      return std::clamp((x - d_.a) / (d_.b - d_.a), 0.0, 1.0);
    case K::normal:
      return boost::math::cdf(boost::math::normal_distribution<double>(d_.a, d_.b), x);
    case K::lognormal:
      return x <= 0 ? 0
                    : boost::math::cdf(boost::math::lognormal_distribution<double>(d_.a, d_.b), x);
    case K::triangular:
      return boost::math::cdf(boost::math::triangular_distribution<double>(d_.a, d_.c, d_.b),
                              std::clamp(x, d_.a, d_.b));
    case K::pert:
      return boost::math::cdf(boost::math::beta_distribution<double>(alpha_, beta_),
                              std::clamp((x - d_.a) / (d_.b - d_.a), 0.0, 1.0));
    case K::bernoulli:
      return x < 0 ? 0 : x < 1 ? 1 - d_.a : 1;
    case K::discrete: {
      double acc = 0;
      for (std::size_t i = 0; i < d_.values.size(); ++i) {
        if (d_.values[i] <= x) acc += d_.probabilities[i];
      }
      return acc;
    }
  }
  return 0;
}

double Sampler::raw_quantile(double u) const {
  switch (d_.kind) {
    case K::fixed:
      return d_.a;
    case K::uniform:
      return d_.a + u * (d_.b - d_.a);
    case K::normal:
      return boost::math::quantile(boost::math::normal_distribution<double>(d_.a, d_.b), u);
    case K::lognormal:
      return boost::math::quantile(boost::math::lognormal_distribution<double>(d_.a, d_.b), u);
    case K::triangular:
      return boost::math::quantile(boost::math::triangular_distribution<double>(d_.a, d_.c, d_.b),
                                   u);
    case K::pert:
      return d_.a + (d_.b - d_.a) * boost::math::quantile(
                                        boost::math::beta_distribution<double>(alpha_, beta_), u);
    case K::bernoulli:
      return u < d_.a ? 1 : 0;
    case K::discrete: {
      auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), u);
      if (it == cumulative_.end()) --it;
      return d_.values[static_cast<std::size_t>(it - cumulative_.begin())];
    }
  }
  return 0;
}

double Sampler::quantile(double u) const {
  if (d_.truncate_min || d_.truncate_max) {
    u = lo_u_ + u * (hi_u_ - lo_u_);
    u = std::clamp(u, 1e-300, std::nextafter(1.0, 0.0));
  }
  double x = raw_quantile(u);
  if (d_.truncate_min) x = std::max(x, *d_.truncate_min);
  if (d_.truncate_max) x = std::min(x, *d_.truncate_max);
  return x;
}

double Sampler::mean() const {
  switch (d_.kind) {
    case K::fixed:
      return d_.a;
    case K::uniform:
      return (d_.a + d_.b) / 2;
    case K::normal:
      return d_.a;
    case K::lognormal:
      return std::exp(d_.a + d_.b * d_.b / 2);
    case K::triangular:
      return (d_.a + d_.b + d_.c) / 3;
    case K::pert:
      return (d_.a + d_.lambda * d_.c + d_.b) / (d_.lambda + 2);
    case K::bernoulli:
      return d_.a;
    case K::discrete: {
      double m = 0;
      for (std::size_t i = 0; i < d_.values.size(); ++i) m += d_.values[i] * d_.probabilities[i];
      return m;
    }
  }
  return 0;
}

double Sampler::variance() const {
  switch (d_.kind) {
    case K::fixed:
      return 0;
    case K::uniform:
      return (d_.b - d_.a) * (d_.b - d_.a) / 12;
    case K::normal:
      return d_.b * d_.b;
    case K::lognormal:
      return (std::exp(d_.b * d_.b) - 1) * std::exp(2 * d_.a + d_.b * d_.b);
    case K::triangular: {
      double a = d_.a, b = d_.b, c = d_.c;
      return (a * a + b * b + c * c - a * b - a * c - b * c) / 18;
    }
    case K::pert: {
      double range = d_.b - d_.a;
      return alpha_ * beta_ * range * range /
             ((alpha_ + beta_) * (alpha_ + beta_) * (alpha_ + beta_ + 1));
    }
    case K::bernoulli:
      return d_.a * (1 - d_.a);
    case K::discrete: {
      double m = mean(), v = 0;
      for (std::size_t i = 0; i < d_.values.size(); ++i) {
        v += (d_.values[i] - m) * (d_.values[i] - m) * d_.probabilities[i];
      }
      return v;
    }
  }
  return 0;
}

}  // namespace capflow
