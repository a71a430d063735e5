// fast_math's exp and log (the Monte Carlo draws' own, with a lane twin): within 2 ulp
// of libm over the ranges paths use, and every lane equal to the scalar function.

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>

#include "capflow/montecarlo/monte_carlo.hpp"
#include "capflow/montecarlo/random.hpp"
#include "capflow/simd/fast_math.hpp"

namespace {

std::int64_t ulps(double a, double b) {
  std::int64_t x, y;
  std::memcpy(&x, &a, sizeof x);
  std::memcpy(&y, &b, sizeof y);
  return x > y ? x - y : y - x;
}

}  // namespace

TEST_CASE("fast_math: exp within 2 ulp of libm, exact where it must be") {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> wide(-708, 708), narrow(-3, 3);
  std::int64_t worst = 0;
  for (int i = 0; i < 200000; ++i) {
    const double x = i % 2 ? wide(rng) : narrow(rng);
    worst = std::max(worst, ulps(capflow::fast_math::exp(x), std::exp(x)));
  }
  CHECK(worst <= 2);
  CHECK(capflow::fast_math::exp(0.0) == 1.0);  // a zero shock leaves growth as given
  CHECK(capflow::fast_math::exp(800.0) == std::exp(800.0));
  CHECK(capflow::fast_math::exp(-800.0) == std::exp(-800.0));
}

TEST_CASE("fast_math: log within 1 ulp of libm, and libm's answer outside normal numbers") {
  std::mt19937_64 rng(4);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::int64_t worst = 0;
  for (int i = 0; i < 200000; ++i) {
    const double x = std::ldexp(unit(rng), static_cast<int>(rng() % 2000) - 1000);
    if (x < 0x1p-1022) continue;
    worst = std::max(worst, ulps(capflow::fast_math::log(x), std::log(x)));
  }
  CHECK(worst <= 1);
  CHECK(capflow::fast_math::log(1.0) == 0.0);
  CHECK(std::isinf(capflow::fast_math::log(0.0)));
  CHECK(std::isnan(capflow::fast_math::log(-1.0)));
}

TEST_CASE("fast_math: lanes equal the scalar function, in range and out") {
  if (!capflow::MonteCarlo::lanes_supported()) {
    MESSAGE("this CPU has no AVX2: lanes do not run here");
    return;
  }
  using capflow::lanes::Real;
  const Real xs[] = {{0.1, -2.5, 700.0, -0.3}, {800.0, -800.0, 1e-3, 5.0}};
  for (const Real& x : xs) {
    const Real e = capflow::fast_math::exp(x);
    for (std::size_t l = 0; l < capflow::lanes::kWidth; ++l)
      CHECK(ulps(e[l], capflow::fast_math::exp(x[l])) == 0);
  }
  const Real ps[] = {{1e-300, 0.5, 3.0, 1e300}, {0.0, 2e-310, 0.075, 0.999}};
  for (const Real& p : ps) {
    const Real g = capflow::fast_math::log(p);
    for (std::size_t l = 0; l < capflow::lanes::kWidth; ++l) {
      const double s = capflow::fast_math::log(p[l]);
      CHECK((ulps(g[l], s) == 0 || (std::isinf(g[l]) && std::isinf(s))));
    }
  }
}

TEST_CASE("normal quantile: the tails with fast_math::log stay accurate") {
  // Reference points of the standard normal (to 15 digits).
  CHECK(capflow::normal_quantile(0.025) == doctest::Approx(-1.95996398454005).epsilon(1e-14));
  CHECK(capflow::normal_quantile(0.975) == doctest::Approx(1.95996398454005).epsilon(1e-14));
  CHECK(capflow::normal_quantile(1e-10) == doctest::Approx(-6.36134090240406).epsilon(1e-14));
}
