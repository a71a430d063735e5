// The Monte Carlo engine and its parts (docs/monte-carlo.md), held against numbers known
// independently: closed-form moments of each distribution, Boost.Math's normal
// quantile, the requested correlations, the exact `capflow project` result when nothing
// is random, and the NumPy peer's statistics for the benchmark workload. Also the
// reproducibility contract: the same bits at any thread count, and shards that merge
// into the whole run.
//
// Random samples are compared statistically: every tolerance is a few standard errors
// (computed from the sample itself), and the seeds are fixed, so a test that passes
// passes every time; a failure means the engine no longer draws from the distribution
// it claims to.

#include <doctest/doctest.h>

#include <unistd.h>
#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <numbers>
#include <string>
#include <vector>

#include "capflow/montecarlo/distributions.hpp"
#include "capflow/montecarlo/monte_carlo.hpp"
#include "capflow/montecarlo/random.hpp"
#include "capflow/montecarlo/statistics.hpp"
#include "capflow/projection/projection.hpp"
#include "capflow/terms/scenario.hpp"
#include "unit/scenario_fixture.hpp"

using capflow::DistributionSpec;
using capflow::MonteCarlo;
using capflow::PathRandom;
using capflow::RunRequest;
using capflow::RunStats;
using capflow::Sampler;
using capflow::Scenario;

namespace {

const std::string kSource = CAPFLOW_SOURCE_DIR;

using capflow::testing::problems_of;

// Loads a scenario given as JSON text (through a temporary file, so the whole reader runs).
capflow::LoadResult load_text(const std::string& json) {
  static int counter = 0;
  namespace fs = std::filesystem;
  const fs::path path =
      fs::temp_directory_path() /
      ("capflow-mc-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + ".json");
  {
    std::ofstream f(path);
    f << json;
  }
  auto loaded = capflow::load_scenario(path.string());
  fs::remove(path);
  return loaded;
}

Scenario load_ok(const std::string& json) {
  auto loaded = load_text(json);
  INFO(problems_of(loaded));
  REQUIRE(loaded.scenario.has_value());
  return std::move(*loaded.scenario);
}

Scenario load_preset(const std::string& name,
                     const std::vector<capflow::Override>& overrides = {}) {
  return capflow::testing::load_preset_ok(name, overrides);
}

// A scenario with one residual holder that receives everything, over `years` from 2025,
// valued at the end of 2024 at a discount rate of 100 %: on each path the holder's total
// and PV identify the distributions of 2025 and 2026 (PV = d1/2 + d2/4).
std::string two_year_scenario(const std::string& uncertainty, const std::string& revenue) {
  return R"({"schema": "capflow/scenario/v1",
    "holders": {"nonprofit": {"residual": true}},
    "waterfall": {"tiers": [{"split": {"nonprofit": 1}}]},
    "projection": {"first_year": 2025, "last_year": 2026, "valuation_year": 2024, "discount_rate": "100%",
                   "revenue": )" +
         revenue + R"(},
    "uncertainty": )" +
         uncertainty + "}";
}

// The two yearly payouts (2025, 2026) of path `path`, from its total and present value.
std::pair<double, double> two_payouts(const MonteCarlo& mc, std::uint64_t seed,
                                      std::uint64_t path) {
  const auto s = mc.simulate_one(seed, path);
  const double total = s.total_received[0], pv = s.pv[0];
  const double second = 2 * total - 4 * pv;
  return {total - second, second};
}

// Sample moments, accumulated in long double around a shift (no cancellation).
struct Sample {
  std::vector<double> x;
  double mean() const {
    long double s = 0;
    for (double v : x) s += v;
    return static_cast<double>(s / static_cast<long double>(x.size()));
  }
  double central(int k) const {
    const long double m = mean();
    long double s = 0;
    for (double v : x) s += std::pow(static_cast<long double>(v) - m, k);
    return static_cast<double>(s / static_cast<long double>(x.size()));
  }
  double variance() const {
    return central(2) * static_cast<double>(x.size()) / static_cast<double>(x.size() - 1);
  }
  double fraction_below(double t) const {
    return static_cast<double>(
               std::count_if(x.begin(), x.end(), [&](double v) { return v <= t; })) /
           static_cast<double>(x.size());
  }
};

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = static_cast<double>(a.size());
  long double ma = 0, mb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) ma += a[i], mb += b[i];
  ma /= n, mb /= n;
  long double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return static_cast<double>(sab / std::sqrt(saa * sbb));
}

// `n` draws of the distribution through Sampler::quantile, on uniforms from Philox.
Sample draw(const DistributionSpec& d, std::size_t n, std::uint32_t stream) {
  const Sampler sampler(d);
  Sample s;
  s.x.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    s.x.push_back(sampler.quantile(PathRandom(2024, i).uniform(stream, 0)));
  return s;
}

// The sample mean and variance agree with the analytic ones within 5 standard errors
// (of the mean: sd/√n; of the variance: √((μ4 − σ⁴)/n), μ4 estimated from the sample).
void check_moments(const Sample& s, double mean, double variance, const char* what) {
  const double n = static_cast<double>(s.x.size());
  const double se_mean = std::sqrt(variance / n);
  const double m4 = s.central(4);
  const double se_var = std::sqrt(std::max(m4 - variance * variance, 0.0) / n);
  INFO(what << ": sample mean " << s.mean() << " vs " << mean << " (se " << se_mean
            << "), sample variance " << s.variance() << " vs " << variance << " (se " << se_var
            << ")");
  CHECK(std::abs(s.mean() - mean) <= 5 * se_mean + 1e-12 * std::abs(mean));
  CHECK(std::abs(s.variance() - variance) <= 5 * se_var + 1e-12 * variance);
}

// A binomial frequency within 5 standard errors of p.
void check_frequency(double observed, double p, std::size_t n, const char* what) {
  const double se = std::sqrt(p * (1 - p) / static_cast<double>(n));
  INFO(what << ": observed " << observed << ", expected " << p << " (se " << se << ")");
  CHECK(std::abs(observed - p) <= 5 * se + 1e-12);
}

std::string dump(const RunStats& s) {
  return s.to_json().dump();
}

RunStats run(const MonteCarlo& mc, std::uint64_t seed, std::uint64_t first, std::uint64_t paths,
             unsigned threads) {
  RunRequest r;
  r.seed = seed;
  r.first_path = first;
  r.paths = paths;
  r.threads = threads;
  return mc.run(r);
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Distributions: moments of Sampler's draws against closed forms.

TEST_CASE(
    "monte carlo: each distribution's sampled moments match its closed-form mean and variance") {
  // Read through the scenario reader, so the parameterisations (lognormal by mean/sd and
  // by median/p90, PERT's lambda, truncation) are the ones users write.
  const Scenario s = load_ok(two_year_scenario(R"({"inputs": {
      "fixed":      {"distribution": "fixed", "value": 3.5},
      "uniform":    {"distribution": "uniform", "min": 2, "max": "5"},
      "normal":     {"distribution": "normal", "mean": 10, "sd": 2},
      "lognormal":  {"distribution": "lognormal", "mean": 2, "sd": 1},
      "lognormal90":{"distribution": "lognormal", "median": "1.5", "p90": 4},
      "triangular": {"distribution": "triangular", "min": 1, "mode": 2, "max": 6},
      "pert":       {"distribution": "pert", "min": 1, "mode": 2, "max": 6},
      "pert6":      {"distribution": "pert", "min": "-10%", "mode": "5%", "max": "40%", "lambda": 6},
      "bernoulli":  {"distribution": "bernoulli", "p": "30%"},
      "discrete":   {"distribution": "discrete", "values": [1, 2, 5], "probabilities": ["20%", 0.5, "0.3"]},
      "truncnormal":{"distribution": "normal", "mean": 0, "sd": 1, "truncate": {"min": -0.5, "max": 2}}
    }})",
                                               R"({"amounts": {"2025": "1B", "2026": "1B"}})"));
  REQUIRE(s.uncertainty.has_value());
  std::map<std::string, DistributionSpec> d;
  for (const auto& in : s.uncertainty->inputs) d[in.name] = in.distribution;
  REQUIRE(d.size() == 11);
  constexpr std::size_t n = 200000;  // PERT's Boost beta quantile is slower: n / 10 there
  std::uint32_t stream = 100;

  SUBCASE("fixed") {
    const Sample x = draw(d["fixed"], 1000, ++stream);
    CHECK(std::all_of(x.x.begin(), x.x.end(), [](double v) { return v == 3.5; }));
    CHECK(Sampler(d["fixed"]).variance() == 0);
  }
  SUBCASE("uniform [2, 5]: mean 3.5, variance 9/12") {
    const Sample x = draw(d["uniform"], n, ++stream);
    check_moments(x, 3.5, 9.0 / 12, "uniform");
    CHECK(*std::min_element(x.x.begin(), x.x.end()) >= 2);
    CHECK(*std::max_element(x.x.begin(), x.x.end()) <= 5);
  }
  SUBCASE("normal (10, 2)") {
    check_moments(draw(d["normal"], n, ++stream), 10, 4, "normal");
  }
  SUBCASE("lognormal by mean 2 and sd 1: those are its mean and sd") {
    const Sample x = draw(d["lognormal"], n, ++stream);
    check_moments(x, 2, 1, "lognormal(mean, sd)");
    CHECK(*std::min_element(x.x.begin(), x.x.end()) > 0);
  }
  SUBCASE("lognormal by median 1.5 and p90 4") {
    const double mu = std::log(1.5), sigma = (std::log(4.0) - mu) / 1.2815515655446004;
    const Sample x = draw(d["lognormal90"], n, ++stream);
    check_moments(x, std::exp(mu + sigma * sigma / 2),
                  (std::exp(sigma * sigma) - 1) * std::exp(2 * mu + sigma * sigma),
                  "lognormal(median, p90)");
    check_frequency(x.fraction_below(1.5), 0.5, n, "P(X <= median)");
    check_frequency(x.fraction_below(4), 0.9, n, "P(X <= p90)");
  }
  SUBCASE("triangular (1, 2, 6)") {
    const double a = 1, c = 2, b = 6;
    check_moments(draw(d["triangular"], n, ++stream), (a + b + c) / 3,
                  (a * a + b * b + c * c - a * b - a * c - b * c) / 18, "triangular");
  }
  SUBCASE("PERT (1, 2, 6), lambda 4: mean (a + 4c + b)/6, variance (mean − a)(b − mean)/7") {
    const double mean = (1 + 4 * 2 + 6) / 6.0;
    const Sample x = draw(d["pert"], n / 10, ++stream);
    check_moments(x, mean, (mean - 1) * (6 - mean) / 7, "pert");
    CHECK(*std::min_element(x.x.begin(), x.x.end()) >= 1);
    CHECK(*std::max_element(x.x.begin(), x.x.end()) <= 6);
  }
  SUBCASE("PERT (-10%, 5%, 40%), lambda 6: mean (a + 6c + b)/8, variance (mean − a)(b − mean)/9") {
    const double a = -0.1, c = 0.05, b = 0.4, mean = (a + 6 * c + b) / 8;
    check_moments(draw(d["pert6"], n / 10, ++stream), mean, (mean - a) * (b - mean) / 9,
                  "pert lambda 6");
  }
  SUBCASE("bernoulli 30%") {
    const Sample x = draw(d["bernoulli"], n, ++stream);
    CHECK(std::all_of(x.x.begin(), x.x.end(), [](double v) { return v == 0 || v == 1; }));
    check_moments(x, 0.3, 0.3 * 0.7, "bernoulli");
  }
  SUBCASE("discrete {1: 20%, 2: 50%, 5: 30%}") {
    const Sample x = draw(d["discrete"], n, ++stream);
    const double mean = 0.2 * 1 + 0.5 * 2 + 0.3 * 5;
    const double second = 0.2 * 1 + 0.5 * 4 + 0.3 * 25;
    check_moments(x, mean, second - mean * mean, "discrete");
    check_frequency(x.fraction_below(1), 0.2, n, "P(1)");
    check_frequency(x.fraction_below(2) - x.fraction_below(1), 0.5, n, "P(2)");
    CHECK(x.fraction_below(5) == 1.0);
    CHECK(std::all_of(x.x.begin(), x.x.end(), [](double v) { return v == 1 || v == 2 || v == 5; }));
  }
  SUBCASE("normal (0, 1) truncated to [-0.5, 2]") {
    const double al = -0.5, be = 2;
    const auto phi = [](double z) {
      return std::exp(-z * z / 2) / std::sqrt(2 * std::numbers::pi);
    };
    const auto Phi = [](double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); };
    const double z = Phi(be) - Phi(al);
    const double mean = (phi(al) - phi(be)) / z;
    const double variance = 1 + (al * phi(al) - be * phi(be)) / z - mean * mean;
    const Sample x = draw(d["truncnormal"], n, ++stream);
    check_moments(x, mean, variance, "truncated normal");
    CHECK(*std::min_element(x.x.begin(), x.x.end()) >= al);
    CHECK(*std::max_element(x.x.begin(), x.x.end()) <= be);
  }
  SUBCASE("Sampler::mean and variance state the same closed forms (before truncation)") {
    CHECK(Sampler(d["uniform"]).mean() == doctest::Approx(3.5).epsilon(1e-14));
    CHECK(Sampler(d["lognormal"]).mean() == doctest::Approx(2).epsilon(1e-12));
    CHECK(Sampler(d["lognormal"]).variance() == doctest::Approx(1).epsilon(1e-12));
    CHECK(Sampler(d["pert"]).mean() == doctest::Approx(15.0 / 6).epsilon(1e-14));
    CHECK(Sampler(d["pert"]).variance() ==
          doctest::Approx((15.0 / 6 - 1) * (6 - 15.0 / 6) / 7).epsilon(1e-12));
    CHECK(Sampler(d["triangular"]).variance() ==
          doctest::Approx((1 + 36 + 4 - 6 - 2 - 12) / 18.0).epsilon(1e-14));
    CHECK(Sampler(d["discrete"]).mean() == doctest::Approx(2.7).epsilon(1e-14));
  }
}

TEST_CASE(
    "monte carlo: normal_quantile (AS 241) agrees with Boost.Math to 1e-14 relative, tails "
    "included") {
  const boost::math::normal_distribution<double> standard;
  std::vector<double> grid;
  for (int k = 1; k < 1000; ++k) grid.push_back(k / 1000.0);
  for (int k = 1; k <= 300; ++k) grid.push_back(std::pow(10.0, -k));     // lower tail to 1e-300
  for (int k = 1; k <= 15; ++k) grid.push_back(1 - std::pow(10.0, -k));  // upper tail to 1 - 1e-15
  for (double p : {0.075, 0.925, std::exp(-25.0), 1 - 1e-300, 0.5 + 1e-9, 0.5 - 1e-12, 0x1p-53,
                   1 - 0x1p-53, 0.0745, 0.0755, 1.3e-11, 1.4e-11})
    grid.push_back(p);  // the branch points (|p − 0.5| = 0.425, r = 5) and the 53-bit ends
  int checked = 0;
  for (double p : grid) {
    if (!(p > 0 && p < 1)) continue;
    const double ours = capflow::normal_quantile(p);
    const double boost = boost::math::quantile(standard, p);
    INFO("p = " << p << ": AS 241 " << ours << ", Boost " << boost);
    CHECK(std::abs(ours - boost) <= 1e-14 * std::abs(boost));
    ++checked;
  }
  CHECK(checked > 1300);
  CHECK(capflow::normal_quantile(0.5) == 0);
  // And the CDF it is paired with in the copula.
  for (double z : {-30.0, -8.0, -1.0, 0.0, 0.3, 2.5, 8.0}) {
    CHECK(capflow::normal_cdf(z) == doctest::Approx(boost::math::cdf(standard, z)).epsilon(1e-14));
  }
}

// ---------------------------------------------------------------------------------------
// Correlations.

TEST_CASE("monte carlo: correlated inputs achieve the requested correlation (Gaussian copula)") {
  // Revenue of 2025 and of 2026 are two normal inputs with correlation rho; every path
  // pays each year's revenue out, so the two payouts are the two inputs.
  for (double rho : {0.6, -0.5}) {
    const std::string uncertainty = R"({"inputs": {
        "r2025": {"distribution": "normal", "mean": "1B", "sd": "100M", "target": "/projection/revenue/amounts/2025"},
        "r2026": {"distribution": "normal", "mean": "2B", "sd": "300M", "target": "/projection/revenue/amounts/2026"}},
      "correlations": [{"between": ["r2025", "r2026"], "rho": )" +
                                    std::to_string(rho) + "}]}";
    const Scenario s =
        load_ok(two_year_scenario(uncertainty, R"({"amounts": {"2025": "1B", "2026": "1B"}})"));
    const MonteCarlo mc(s);
    constexpr std::size_t n = 40000;
    std::vector<double> a, b;
    for (std::uint64_t i = 0; i < n; ++i) {
      auto [x, y] = two_payouts(mc, 11, i);
      a.push_back(x);
      b.push_back(y);
    }
    const double r = pearson(a, b);
    const double se = (1 - rho * rho) / std::sqrt(static_cast<double>(n));
    INFO("rho " << rho << ": achieved " << r << " (se " << se << ")");
    CHECK(std::abs(r - rho) <= 5 * se);
    // The marginals are untouched by the copula.
    check_moments(Sample{a}, 1e9, 1e16, "2025 revenue");
    check_moments(Sample{b}, 2e9, 9e16, "2026 revenue");
  }
}

TEST_CASE("monte carlo: correlated yearly processes achieve the requested correlation") {
  // Two revenue_log_growth processes on the same revenue: each year's log growth is
  // s1 + s2, with variance v1² + v2² + 2 rho v1 v2; the achieved rho is read back from
  // the variance of the yearly log growth (two independent years per path).
  const double v1 = 0.2, v2 = 0.3;
  for (double rho : {0.7, -0.5}) {
    const std::string uncertainty =
        R"({"processes": {"demand": {"kind": "revenue_log_growth", "volatility": 0.2},
                          "pricing": {"kind": "revenue_log_growth", "volatility": 0.3}},
            "correlations": [{"between": ["demand", "pricing"], "rho": )" +
        std::to_string(rho) + "}]}";
    const Scenario s = load_ok(
        two_year_scenario(uncertainty, R"({"amounts": {"2024": "1B"}, "growth": {"2025": 0}})"));
    const MonteCarlo mc(s);
    constexpr std::size_t n = 60000;
    Sample g;
    for (std::uint64_t i = 0; i < n; ++i) {
      auto [r1, r2] = two_payouts(mc, 5, i);
      g.x.push_back(std::log(r1 / 1e9));
      g.x.push_back(std::log(r2 / r1));
    }
    const double var = g.variance();
    const double achieved = (var - v1 * v1 - v2 * v2) / (2 * v1 * v2);
    const double expected_var = v1 * v1 + v2 * v2 + 2 * rho * v1 * v2;
    const double se =
        expected_var * std::sqrt(2.0 / static_cast<double>(g.x.size())) / (2 * v1 * v2);
    INFO("rho " << rho << ": achieved " << achieved << " (se " << se << ")");
    CHECK(std::abs(achieved - rho) <= 5 * se);
    CHECK(std::abs(g.mean()) <= 5 * std::sqrt(expected_var / static_cast<double>(g.x.size())));
  }
}

TEST_CASE("monte carlo: mean reversion carries a share (1 - k) of last year's shock") {
  // shock_t = (1 − k) shock_{t−1} + sd z_t: corr(shock_2025, shock_2026) = (1 − k)/√(1 + (1 − k)²).
  const double k = 0.4, keep = 1 - k;
  const Scenario s = load_ok(two_year_scenario(
      R"({"processes": {"g": {"kind": "revenue_log_growth", "volatility": 0.25, "mean_reversion": 0.4}}})",
      R"({"amounts": {"2024": "1B"}, "growth": {"2025": 0}})"));
  const MonteCarlo mc(s);
  constexpr std::size_t n = 40000;
  std::vector<double> a, b;
  for (std::uint64_t i = 0; i < n; ++i) {
    auto [r1, r2] = two_payouts(mc, 3, i);
    a.push_back(std::log(r1 / 1e9));
    b.push_back(std::log(r2 / r1));
  }
  const double rho = keep / std::sqrt(1 + keep * keep);
  const double r = pearson(a, b);
  INFO("achieved " << r << ", expected " << rho);
  CHECK(std::abs(r - rho) <= 5 * (1 - rho * rho) / std::sqrt(static_cast<double>(n)));
  check_moments(Sample{b}, 0, 0.0625 * (1 + keep * keep), "second year's shock");
}

TEST_CASE(
    "monte carlo: a correlation matrix that is not positive semi-definite is rejected with its "
    "smallest eigenvalue") {
  // a~b 0.9, b~c 0.9, a~c −0.9: eigenvalues 1.9, 1.9 and −0.8.
  const auto loaded = load_text(two_year_scenario(R"({"inputs": {
        "a": {"distribution": "normal", "mean": 0, "sd": 1},
        "b": {"distribution": "normal", "mean": 0, "sd": 1},
        "c": {"distribution": "normal", "mean": 0, "sd": 1}},
      "correlations": [{"between": ["a", "b"], "rho": 0.9}, {"between": ["b", "c"], "rho": 0.9},
                       {"between": ["a", "c"], "rho": -0.9}]})",
                                                  R"({"amounts": {"2025": "1B", "2026": "1B"}})"));
  CHECK_FALSE(loaded.scenario.has_value());
  REQUIRE(loaded.diagnostics.size() == 1);
  const auto& d = loaded.diagnostics[0];
  CHECK(d.pointer == "/uncertainty/correlations");
  CHECK(d.pos.line > 0);
  CHECK(d.message.find("not positive semi-definite") != std::string::npos);
  CHECK(d.message.find("smallest eigenvalue -0.8") != std::string::npos);

  // The same three with a feasible a~c (0.62 > 2·0.9² − 1) load, as do perfect correlations.
  CHECK(load_text(two_year_scenario(R"({"inputs": {
        "a": {"distribution": "normal", "mean": 0, "sd": 1},
        "b": {"distribution": "normal", "mean": 0, "sd": 1},
        "c": {"distribution": "normal", "mean": 0, "sd": 1}},
      "correlations": [{"between": ["a", "b"], "rho": 0.9}, {"between": ["b", "c"], "rho": 0.9},
                       {"between": ["a", "c"], "rho": 0.62}]})",
                                    R"({"amounts": {"2025": "1B", "2026": "1B"}})"))
            .scenario.has_value());
  const Scenario perfect =
      load_ok(two_year_scenario(R"({"inputs": {
        "a": {"distribution": "normal", "mean": "1B", "sd": "100M", "target": "/projection/revenue/amounts/2025"},
        "b": {"distribution": "normal", "mean": "1B", "sd": "100M", "target": "/projection/revenue/amounts/2026"}},
      "correlations": [{"between": ["a", "b"], "rho": 1}]})",
                                R"({"amounts": {"2025": "1B", "2026": "1B"}})"));
  const MonteCarlo mc(perfect);
  for (std::uint64_t i = 0; i < 50; ++i) {
    auto [x, y] = two_payouts(mc, 1, i);
    CHECK(x == doctest::Approx(y).epsilon(1e-9));
  }
}

// ---------------------------------------------------------------------------------------
// Events.

TEST_CASE(
    "monte carlo: a conversion event with probability p a year happens in year k with p (1 - "
    "p)^k") {
  // The Oct-2024 preset's event: 50 % a year from 2025 to 2035 (the horizon).
  // Without the crash, which can make the company default before it converts.
  const Scenario s = load_preset("openai-2024-round.json", {{"/uncertainty/events/crash", "null"}});
  REQUIRE(s.uncertainty.has_value());
  REQUIRE(s.uncertainty->conversion.has_value());
  const auto& ev = *s.uncertainty->conversion;
  REQUIRE(ev.probability_per_year == 0.5);
  const MonteCarlo mc(s);
  constexpr std::uint64_t n = 40000;
  const RunStats st = run(mc, 17, 0, n, 2);
  const auto& counts = st.company.conversion_year.counts();
  double none = 1;
  for (capflow::Year y = ev.from_year; y <= ev.until_year; ++y) {
    const double p = none * ev.probability_per_year;
    none -= p;
    const auto it = counts.find(y);
    const double observed = it == counts.end() ? 0 : static_cast<double>(it->second) / n;
    INFO("conversion in " << y);
    check_frequency(observed, p, n, "P(conversion year)");
  }
  const auto never = counts.find(-1);
  check_frequency(never == counts.end() ? 0 : static_cast<double>(never->second) / n, none, n,
                  "P(never)");
}

TEST_CASE(
    "monte carlo: a crash cuts growth for its years, and a new crash can only start after it "
    "ends") {
  // Revenue is flat at $1B; a crash multiplies a year's growth by (1 + cut) = 0.5.
  for (int years : {1, 2}) {
    const Scenario s = load_ok(two_year_scenario(
        R"({"events": {"crash": {"probability_per_year": "30%", "growth_cut": "-50%", "years": )" +
            std::to_string(years) + "}}}",
        R"({"amounts": {"2024": "1B"}, "growth": {"2025": 0}})"));
    const MonteCarlo mc(s);
    constexpr std::uint64_t n = 20000;
    std::uint64_t cut_2025 = 0, cut_2026 = 0, other = 0;
    const auto is = [](double f, double v) { return std::abs(f - v) < 1e-9; };
    for (std::uint64_t i = 0; i < n; ++i) {
      auto [r1, r2] = two_payouts(mc, 23, i);
      const double f1 = r1 / 1e9, f2 = r2 / r1;
      other += !(is(f1, 1) || is(f1, 0.5)) || !(is(f2, 1) || is(f2, 0.5));
      cut_2025 += is(f1, 0.5);
      cut_2026 += is(f2, 0.5);
    }
    INFO("crash lasting " << years << " year(s)");
    CHECK(other == 0);  // each year's growth is either untouched or cut by exactly half
    check_frequency(static_cast<double>(cut_2025) / n, 0.3, n, "P(2025 cut)");
    // One-year crashes are independent; a two-year crash from 2025 covers 2026 too.
    check_frequency(static_cast<double>(cut_2026) / n, years == 1 ? 0.3 : 0.3 + 0.7 * 0.3, n,
                    "P(2026 cut)");
  }
}

// ---------------------------------------------------------------------------------------
// Reproducibility.

TEST_CASE("monte carlo: the same seed gives the same bytes at 1, 2 and 5 threads") {
  const MonteCarlo mc(load_preset("bench.json"));
  constexpr std::uint64_t n = 9000;  // more than four chunks of 2048 paths
  const std::string one = dump(run(mc, 7, 0, n, 1));
  CHECK(dump(run(mc, 7, 0, n, 2)) == one);
  CHECK(dump(run(mc, 7, 0, n, 5)) == one);
  CHECK(dump(run(mc, 7, 0, n, 1)) == one);
  CHECK(dump(run(mc, 8, 0, n, 1)) != one);  // and the seed matters
}

TEST_CASE("monte carlo: shards of paths 0 to a-1 and a to n-1 merge into exactly the whole run") {
  const MonteCarlo mc(load_preset("bench.json"));
  constexpr std::uint64_t n = 7001, a = 3001;  // cut inside a chunk
  const RunStats whole = run(mc, 7, 0, n, 2);
  RunStats first = run(mc, 7, 0, a, 1);
  const RunStats second = run(mc, 7, a, n - a, 3);
  RunStats reversed = second;
  first.merge(second);
  CHECK(first.paths == n);
  CHECK(dump(first) == dump(whole));
  reversed.merge(run(mc, 7, 0, a, 2));
  CHECK(dump(reversed) == dump(whole));
  // Through the exact accumulators' JSON (what shard files carry to `capflow merge`).
  RunStats from_files =
      RunStats::from_json(nlohmann::json::parse(dump(run(mc, 7, 0, a, 1))), mc.holders());
  from_files.merge(RunStats::from_json(nlohmann::json::parse(dump(second)), mc.holders()));
  CHECK(dump(from_files) == dump(whole));
  // Three uneven shards too.
  RunStats three = run(mc, 7, 0, 1, 1);
  three.merge(run(mc, 7, 1, 4095, 1));
  three.merge(run(mc, 7, 4096, n - 4096, 1));
  CHECK(dump(three) == dump(whole));
}

// A damaged shard (`capflow merge`) is refused with the JSON pointer of what is wrong:
// a negative count would otherwise read as 2^64 - 5, and a sketch whose count differs
// from its moments' would merge into percentiles of other paths than the means.
TEST_CASE("monte carlo: damaged accumulators are refused, naming their place") {
  const MonteCarlo mc(load_preset("bench.json"));
  const nlohmann::json good = nlohmann::json::parse(dump(run(mc, 7, 0, 100, 1)));
  const auto error_of = [&](const std::function<void(nlohmann::json&)>& damage) {
    nlohmann::json j = good;
    damage(j);
    try {
      RunStats::from_json(j, mc.holders());
    } catch (const capflow::AccumulatorError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK(error_of([](nlohmann::json&) {}) == "accepted");
  CHECK(error_of([](nlohmann::json& j) { j["holders"][1]["pv"]["sketch"]["zero"] = -5; }) ==
        "/accumulators/holders/1/pv/sketch/zero: expected a count (a whole number from 0 to 2^53), "
        "found -5");
  CHECK(error_of([](nlohmann::json& j) { j["company"]["first_profit_year"][0][1] = 1.5; }) ==
        "/accumulators/company/first_profit_year/0/1: expected a count (a whole number from 0 "
        "to 2^53), found 1.5");
  CHECK(error_of([](nlohmann::json& j) {
          j["company"]["cumulative_loss"]["sketch"]["positive"][0][0] = 999999;
        }) ==
        "/accumulators/company/cumulative_loss/sketch/positive/0/0: expected a whole number from 0 "
        "to 26623, found 999999");
  CHECK(error_of([](nlohmann::json& j) { j["holders"][1]["irr"]["moments"]["n"] = 99; }) ==
        "/accumulators/holders/1/irr/sketch: holds 100 values, the moments 99");
  CHECK(error_of([](nlohmann::json& j) { j["company"]["deadline_missed"] = -1; }) ==
        "/accumulators/company/deadline_missed: expected a count (a whole number from 0 to "
        "2^53), found -1");
  CHECK(error_of([](nlohmann::json& j) {
          j["holders"][3].erase("moic");
        }).starts_with("/accumulators/holders/3/moic: "));
  // Issue 18's tamperings: counts above the paths (probabilities above 1), a path count
  // that wraps, floats where integers belong (undefined conversions), sums that are not
  // sums, and a year far outside any scenario (a signed overflow before).
  CHECK(error_of([](nlohmann::json& j) { j["holders"][0]["received_any"] = 101; }) ==
        "/accumulators/holders/0/received_any: counts 101, more than the 100 paths of the result");
  CHECK(error_of([](nlohmann::json& j) {
          j["paths"] = 18446744073709551615ull;
        }).starts_with("/accumulators/paths: expected a count"));
  CHECK(error_of([](nlohmann::json& j) {
          j["company"]["first_profit_year"][0][0] = 1e300;
        }).starts_with("/accumulators/company/first_profit_year/0/0: expected a whole number"));
  CHECK(error_of([](nlohmann::json& j) {
          j["company"]["first_profit_year"][0][0] = std::numeric_limits<std::int64_t>::min();
        }).starts_with("/accumulators/company/first_profit_year/0/0: expected a whole number"));
  CHECK(error_of([](nlohmann::json& j) {
          j["company"]["cumulative_loss"]["sketch"]["positive"][0][0] = -1.5;
        }).starts_with("/accumulators/company/cumulative_loss/sketch/positive/0/0: expected"));
  CHECK(error_of([](nlohmann::json& j) {
          j["holders"][0]["nominal"]["moments"]["sum"] = std::string(1000000, '7');
        }) ==
        "/accumulators/holders/0/nominal/moments/sum: expected a decimal integer of at "
        "most 100 digits");
  CHECK(error_of([](nlohmann::json& j) {
          j["holders"][0]["nominal"]["moments"]["sum"] = "0x10";
        }).starts_with("/accumulators/holders/0/nominal/moments/sum: expected a decimal"));
  CHECK(
      error_of([](nlohmann::json& j) { j["holders"][0]["nominal"]["moments"]["sum_sq"] = "1"; }) ==
      "/accumulators/holders/0/nominal/moments/sum_sq: inconsistent with /sum and /n "
      "(not sums of n values)");
  CHECK(error_of([](nlohmann::json& j) {
          j["holders"][0]["nominal"]["moments"]["scale"] = -1;
        }).starts_with("/accumulators/holders/0/nominal/moments/scale: expected a positive"));
}

// ---------------------------------------------------------------------------------------
// --compute: a run of some groups (capflow run --compute) computes those, with the bits of
// a run of every group, and nothing else.

namespace {

using capflow::MetricGroup;
using capflow::MetricGroups;

RunStats run_groups(const MonteCarlo& mc, std::uint64_t paths, const MetricGroups& groups,
                    bool lanes = true) {
  RunRequest r;
  r.seed = 11;
  r.paths = paths;
  r.threads = 2;
  r.lanes = lanes;
  r.groups = groups;
  return mc.run(r);
}

std::string dump_metric(const capflow::Metric& m) {
  return nlohmann::json{{"moments", m.moments.to_json()}, {"sketch", m.sketch.to_json()}}.dump();
}

// Each group of `part` equals the full run's, and each group it left out is empty.
void check_part_of(const RunStats& part, const RunStats& full) {
  const auto has = [&](MetricGroup g) { return part.groups.has(g); };
  const auto same_or_empty = [](bool computed, const capflow::Metric& a, const capflow::Metric& b) {
    if (computed) {
      CHECK(dump_metric(a) == dump_metric(b));
    } else {
      CHECK(a.moments.count() == 0);
      CHECK(a.sketch.count() == 0);
    }
  };
  REQUIRE(part.holders.size() == full.holders.size());
  CHECK(part.paths == full.paths);
  for (std::size_t h = 0; h < part.holders.size(); ++h) {
    INFO("holder " << h);
    const auto &a = part.holders[h], &b = full.holders[h];
    same_or_empty(has(MetricGroup::nominal), a.nominal, b.nominal);
    same_or_empty(has(MetricGroup::pv), a.pv, b.pv);
    same_or_empty(has(MetricGroup::moic), a.moic, b.moic);
    same_or_empty(has(MetricGroup::irr), a.irr, b.irr);
    CHECK(a.irr_undefined == (has(MetricGroup::irr) ? b.irr_undefined : 0));
    // The counts come with every group.
    CHECK(a.ended_at_cap == b.ended_at_cap);
    CHECK(a.received_any == b.received_any);
    CHECK(a.cap_year.to_json() == b.cap_year.to_json());
  }
  const bool company = has(MetricGroup::company);
  same_or_empty(company, part.company.cumulative_loss, full.company.cumulative_loss);
  same_or_empty(company, part.company.peak_funding_need, full.company.peak_funding_need);
  same_or_empty(company, part.company.refund_owed, full.company.refund_owed);
  CHECK(part.company.deadline_missed == (company ? full.company.deadline_missed : 0));
  CHECK(part.company.first_profit_year.to_json() ==
        (company ? full.company.first_profit_year : capflow::Counts()).to_json());
  CHECK(part.company.conversion_year.to_json() ==
        (company ? full.company.conversion_year : capflow::Counts()).to_json());
}

}  // namespace

TEST_CASE("monte carlo: MetricGroups parse names, all, and refuse the rest") {
  CHECK(MetricGroups::parse("all").value() == MetricGroups::all());
  const auto pv_irr = MetricGroups::parse("irr,pv");
  REQUIRE(pv_irr.ok());
  CHECK(pv_irr.value().names() == std::vector<std::string>{"pv", "irr"});
  CHECK(capflow::to_string(MetricGroups::parse("company,nominal,moic,pv,irr").value()) ==
        "nominal,pv,moic,irr,company");
  CHECK(MetricGroups::parse("company,nominal,moic,pv,irr").value().is_all());
  CHECK(MetricGroups::parse("pv,pv").error() == "\"pv\" twice");
  CHECK(MetricGroups::parse("pv,PV").error().starts_with("\"PV\": expected \"all\" or names"));
  CHECK(MetricGroups::parse("").error().starts_with("an empty name: "));
  CHECK(MetricGroups::parse("pv,").error().starts_with("an empty name: "));
  CHECK(MetricGroups::parse("all,pv").error().starts_with("\"all\": "));
  CHECK(MetricGroups::none().names().empty());
}

TEST_CASE("monte carlo: a run of some groups has the bits of the full run in those groups") {
  // bench.json runs in lanes (and one at a time with lanes off); the Oct-2024 round, with
  // its conversion and rounds, on the general year step.
  for (const char* preset : {"bench.json", "openai-2024-round.json"}) {
    const MonteCarlo mc(load_preset(preset));
    const bool bench = std::string(preset) == "bench.json";
    if (MonteCarlo::lanes_supported()) REQUIRE(mc.runs_in_lanes() == bench);
    for (const bool lanes : {true, false}) {
      INFO(preset << (lanes ? ", lanes" : ", one path at a time"));
      const RunStats full = run_groups(mc, 3001, MetricGroups::all(), lanes);
      for (const char* list : {"pv", "nominal,irr", "moic,company", "irr", "company"}) {
        INFO("--compute " << list);
        const MetricGroups groups = MetricGroups::parse(list).value();
        const RunStats part = run_groups(mc, 3001, groups, lanes);
        CHECK(part.groups == groups);
        check_part_of(part, full);
        // Its accumulators hold its groups only, and read back to the same statistics.
        const nlohmann::json j = part.to_json();
        CHECK(j.at("holders").at(1).contains("nominal") == groups.has(MetricGroup::nominal));
        CHECK(j.contains("company") == groups.has(MetricGroup::company));
        const RunStats back = RunStats::from_json(j, mc.holders());
        CHECK(back.groups == groups);
        CHECK(dump(back) == dump(part));
      }
    }
  }
}

TEST_CASE("monte carlo: statistics of different groups do not merge") {
  const MonteCarlo mc(load_preset("bench.json"));
  RunStats pv = run_groups(mc, 100, MetricGroups::parse("pv").value());
  const RunStats all = run_groups(mc, 100, MetricGroups::all());
  CHECK_THROWS_AS(pv.merge(all), std::invalid_argument);
  CHECK(pv.paths == 100);  // refused before anything was added
  // Accumulators without "computed" (written before --compute existed) hold every group.
  nlohmann::json old = all.to_json();
  old.erase("computed");
  CHECK(RunStats::from_json(old, mc.holders()).groups.is_all());
  // A list that names anything but one group per element, or a group twice, or a group
  // the accumulators do not hold, is refused with its place.
  const auto error_of = [&](nlohmann::json computed) {
    nlohmann::json j = pv.to_json();
    j["computed"] = std::move(computed);
    try {
      RunStats::from_json(j, mc.holders());
    } catch (const capflow::AccumulatorError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK(error_of({"pv"}) == "accepted");
  CHECK(error_of({"pv", "cash"}).starts_with("/accumulators/computed/1: \"cash\": expected"));
  CHECK(error_of("pv") == "/accumulators/computed: expected an array of group names");
  CHECK(error_of({"pv", "pv"}) == "/accumulators/computed/1: \"pv\" twice");
  CHECK(error_of({"pv,irr"}) ==
        "/accumulators/computed/0: expected one group name, found \"pv,irr\"");
  CHECK(error_of({"all"}) == "/accumulators/computed/0: expected one group name, found \"all\"");
  CHECK(error_of({1}) == "/accumulators/computed/0: expected a string");
  CHECK(error_of({"pv", "irr"}).starts_with("/accumulators/holders/0/irr: "));
}

// ---------------------------------------------------------------------------------------
// Zero volatility is the deterministic model.

namespace {

// Every path of a scenario whose randomness is switched off (zero volatility, fixed
// inputs equal to the scenario's values) is the exact `capflow project` result: per
// holder, the Monte Carlo mean nominal and PV equal the exact ones within 1e-9 relative
// (plus the $1 to which Monte Carlo sums round each path's value), with zero sd.
void check_zero_volatility_is_exact(const Scenario& s) {
  REQUIRE(s.uncertainty.has_value());
  REQUIRE(s.projection.has_value());
  const auto terms = capflow::ProjectionTerms<capflow::Rational>::from(*s.projection, s.waterfall);
  const auto exact = capflow::project(terms, terms.base_inputs(*s.projection, s.waterfall)).summary;
  const MonteCarlo mc(s);
  const RunStats st = run(mc, 42, 0, 64, 2);
  REQUIRE(st.holders.size() == s.waterfall.holders.size());
  for (std::size_t h = 0; h < st.holders.size(); ++h) {
    const double nominal = capflow::to_double(exact.total_received[h] + exact.total_other[h]);
    const double pv = capflow::to_double(exact.pv[h]);
    const auto& hs = st.holders[h];
    INFO(s.file << ", holder " << s.waterfall.holders[h].id << ": MC nominal "
                << hs.nominal.moments.mean() << " vs exact " << nominal << "; MC pv "
                << hs.pv.moments.mean() << " vs exact " << pv);
    CHECK(std::abs(hs.nominal.moments.mean() - nominal) <= 1e-9 * std::abs(nominal) + 0.5);
    CHECK(std::abs(hs.pv.moments.mean() - pv) <= 1e-9 * std::abs(pv) + 0.5);
    CHECK(hs.nominal.moments.sd() == 0);
    CHECK(hs.pv.moments.sd() == 0);
    // Percentiles are the bucket's midpoint: within 0.2 %.
    CHECK(std::abs(hs.nominal.sketch.quantile(0.5) - nominal) <= 0.002 * std::abs(nominal));
    CHECK(hs.ended_at_cap == (exact.ended_at_cap[h] ? st.paths : 0));
  }
  CHECK(st.company.deadline_missed == (exact.deadline_missed ? st.paths : 0));
  const double loss = -std::min(0.0, capflow::to_double(exact.worst_cumulative_result));
  CHECK(std::abs(st.company.cumulative_loss.moments.mean() - loss) <= 1e-9 * loss + 0.5);
}

}  // namespace

TEST_CASE("monte carlo: zero volatility gives the exact capflow project result") {
  SUBCASE("bench.json with both processes at volatility 0") {
    check_zero_volatility_is_exact(
        load_preset("bench.json", {{"/uncertainty/processes/revenue_growth/volatility", "0"},
                                   {"/uncertainty/processes/cost_shock/volatility", "0"}}));
  }
  // The presets with rounds, a revenue share, a credit line, new rounds and a
  // conversion, given an uncertainty section whose randomness is all switched off.
  // (`growth_2027` restates the preset's own 2027 growth rate.)
  const auto off = [](const std::string& growth_2027) {
    return R"({
      "inputs": {
        "terminal": {"distribution": "fixed", "value": 10, "target": "/projection/terminal_value/multiple"},
        "cap_growth": {"distribution": "fixed", "value": "20%", "target": "/projection/cap_growth/rate"},
        "growth_2027": {"distribution": "fixed", "value": ")" +
           growth_2027 + R"(", "target": "/projection/revenue/growth/2027"},
        "a": {"distribution": "normal", "mean": 0, "sd": 1},
        "b": {"distribution": "normal", "mean": 0, "sd": 1}},
      "processes": {
        "revenue": {"kind": "revenue_log_growth", "volatility": 0, "mean_reversion": 0.5},
        "margin": {"kind": "cost_ratio_shock", "line": "cost_of_revenue", "volatility": 0, "min": 0, "max": 2}},
      "correlations": [{"between": ["revenue", "margin"], "rho": -0.5}, {"between": ["a", "b"], "rho": 0.3}]})";
  };
  // The conversion's terms are drawn per path: the base case's outcome made certain.
  const std::vector<capflow::Override> base_outcome = {{"/conversion/outcomes/0/probability", "0"},
                                                       {"/conversion/outcomes/1/probability", "1"}};
  SUBCASE("openai-2024-round.json") {
    auto sets = base_outcome;
    sets.push_back({"/uncertainty", off("70%")});
    check_zero_volatility_is_exact(load_preset("openai-2024-round.json", sets));
  }
  SUBCASE("openai-deadline-missed.json (the refund)") {
    check_zero_volatility_is_exact(
        load_preset("openai-deadline-missed.json", {{"/uncertainty", off("70%")}}));
  }
  SUBCASE("dotcom-crash.json") {
    auto sets = base_outcome;
    sets.push_back({"/uncertainty", off("0%")});
    check_zero_volatility_is_exact(load_preset("dotcom-crash.json", sets));
  }
}

// ---------------------------------------------------------------------------------------
// The benchmark workload against the NumPy peer.

TEST_CASE("monte carlo: bench.json agrees with the NumPy peer within Monte Carlo error") {
  // Reference produced once, with Debian's python3-numpy 1.24.2, by
  //   /usr/bin/python3 /work/shared/peers/numpy_peer.py --paths 200000 --seed 1
  // (peers/numpy_peer.py beside SPEC.md), copied from its output: PV mean, p5, p50, p95
  // and P(capped) per holder. Rerun it only if SPEC §5's workload changes.
  // The peer draws other random numbers than capflow, so the two are compared as two
  // samples of the same distribution: means within 4 combined standard errors (the
  // peer's sd taken as capflow's, the same distribution), each peer percentile between
  // capflow's percentiles at p ± 4 binomial standard errors (widened by the sketch's
  // 0.3 %), P(cap) within 2 percentage points.
  struct Peer {
    const char* id;
    double pv_mean, pv_p5, pv_p50, pv_p95, p_capped;
  };
  constexpr double kPeerPaths = 200000;
  const Peer peer[] = {
      {"first_close", 1226934760.393135, 1017939426.9116547, 1209257105.6106598, 1401990834.3669786,
       0.0},
      {"microsoft", 187394670688.6693, 41998272409.59603, 183708896390.42273, 318072253054.6338,
       0.31002},
      {"employees", 182977784725.33475, 31152549557.166176, 149185123507.5509, 399601523469.2403,
       0.14682},
      {"later_investors", 35503617157.16834, 5884045585.358107, 28891345352.873783,
       77860492333.72343, 0.14638},
      {"nonprofit", 140399884483.23254, 1471011396.3395267, 7222836338.218446, 801146078459.4927,
       0.0},
  };
  const Scenario s = load_preset("bench.json");
  const MonteCarlo mc(s);
  constexpr std::uint64_t n = 200000;
  const RunStats st = run(mc, 2025, 0, n, 4);
  for (const Peer& p : peer) {
    auto h = s.waterfall.find(p.id);
    REQUIRE(h.has_value());
    const auto& hs = st.holders[*h];
    const double mean = hs.pv.moments.mean(), sd = hs.pv.moments.sd();
    const double se = sd * std::sqrt(1.0 / static_cast<double>(n) + 1.0 / kPeerPaths);
    INFO(p.id << ": capflow PV mean " << mean << " (sd " << sd << "), peer " << p.pv_mean
              << ", combined se " << se);
    CHECK(std::abs(mean - p.pv_mean) <= 4 * se);
    for (const auto& quantile : {std::pair{0.05, p.pv_p5}, {0.5, p.pv_p50}, {0.95, p.pv_p95}}) {
      // Named copies, not structured bindings: INFO's lambda captures them (clang 14).
      const double q = quantile.first, value = quantile.second;
      const double delta =
          4 * std::sqrt(q * (1 - q) * (1.0 / static_cast<double>(n) + 1.0 / kPeerPaths));
      const double lo = hs.pv.sketch.quantile(q - delta) * (1 - 0.003);
      const double hi = hs.pv.sketch.quantile(q + delta) * (1 + 0.003);
      INFO("p" << q * 100 << ": peer " << value << ", capflow between " << lo << " and " << hi);
      CHECK(lo <= value);
      CHECK(value <= hi);
    }
    const double p_cap = static_cast<double>(hs.ended_at_cap) / static_cast<double>(n);
    INFO("P(cap): capflow " << p_cap << ", peer " << p.p_capped);
    CHECK(std::abs(p_cap - p.p_capped) <= 0.02);
  }
}

// ---------------------------------------------------------------------------------------
// Statistics: percentiles and moments.

TEST_CASE("monte carlo: Sketch quantiles are within 0.3 % of the exact order statistics") {
  // Lognormal payouts spanning decades, normal values of both signs, and a point mass
  // at zero (a holder paid nothing on some paths).
  const boost::math::normal_distribution<double> standard;
  std::vector<double> values;
  for (std::uint64_t i = 0; i < 60000; ++i) {
    double u0, u1;
    PathRandom(99, i).uniform2(7, 0, u0, u1);
    const double z = boost::math::quantile(standard, u0);
    if (u1 < 0.1)
      values.push_back(0);
    else if (u1 < 0.6)
      values.push_back(std::exp(22 + 3 * z));
    else
      values.push_back(1e6 * z);
  }
  capflow::Sketch whole, a, b;
  for (std::size_t i = 0; i < values.size(); ++i) {
    whole.add(values[i]);
    (i % 3 == 0 ? a : b).add(values[i]);
  }
  a.merge(b);
  CHECK(a.to_json().dump() == whole.to_json().dump());
  CHECK(whole.count() == values.size());
  std::sort(values.begin(), values.end());
  for (double q :
       {0.0, 0.001, 0.01, 0.05, 0.1, 0.2, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0}) {
    const double exact =
        values[static_cast<std::size_t>(std::floor(q * static_cast<double>(values.size() - 1)))];
    const double sketch = whole.quantile(q);
    INFO("q " << q << ": sketch " << sketch << ", exact " << exact);
    CHECK(std::abs(sketch - exact) <= 0.003 * std::abs(exact));
  }
  // Round trip through the accumulators' JSON.
  CHECK(capflow::Sketch::from_json(whole.to_json()).to_json().dump() == whole.to_json().dump());
}

TEST_CASE("monte carlo: Sketch percentiles never lie outside the values seen") {
  // Every path loses everything (an IRR of exactly -100 %): the bucket's midpoint is
  // -100.2 %, which no path produced; the exact extremes clamp it.
  capflow::Sketch all_lost;
  for (int i = 0; i < 1000; ++i) all_lost.add(-1.0);
  for (double q : {0.0, 0.01, 0.5, 1.0}) CHECK(all_lost.quantile(q) == -1.0);
  // Two values in one bucket: the extremes are exact, and survive JSON and merging.
  capflow::Sketch a, b;
  a.add(1000.0);
  b.add(1001.0);
  a.merge(b);
  CHECK(a.quantile(0) == 1000.0);
  CHECK(a.quantile(1) == 1001.0);
  CHECK(a.min() == 1000.0);
  CHECK(a.max() == 1001.0);
  const auto back = capflow::Sketch::from_json(a.to_json());
  CHECK(back.min() == 1000.0);
  CHECK(back.max() == 1001.0);
  // Accumulators written before the extremes were kept still load, unclamped.
  auto old = a.to_json();
  old.erase("min");
  old.erase("max");
  const auto unclamped = capflow::Sketch::from_json(old);
  CHECK(unclamped.count() == 2);
  CHECK(unclamped.quantile(0) > 999.0);
}

TEST_CASE("monte carlo: Moments mean and sd are exact sums of the rounded values") {
  // Money in dollars (scale 1), up to ±1.2e16 so that values beyond 2^50 take the
  // big-integer path, and ratios at 1e-6: the mean and sd equal a direct computation on
  // the same rounded values in 128-bit integers, rounded once at the end.
  for (double scale : {1.0, 1e6}) {
    capflow::Moments m(scale), first(scale), second(scale);
    capflow::Int128 sum = 0, sum_sq = 0;
    constexpr std::uint64_t n = 50000;
    for (std::uint64_t i = 0; i < n; ++i) {
      double u0, u1;
      PathRandom(5, i).uniform2(1, 0, u0, u1);
      double x = scale == 1 ? std::exp(37 * u0) * (u1 < 0.5 ? -1 : 1) : 20 * u0 - 3;
      if (i % 1000 == 0) x = 0;
      m.add(x);
      (i < 20000 ? first : second).add(x);
      const auto q = static_cast<capflow::Int128>(std::llround(x * scale));
      sum += q;
      sum_sq += q * q;
    }
    // mean = Σq / n / scale; variance = (n Σq² − (Σq)²) / (n (n − 1)) / scale².
    const long double cnt = n;
    const long double mean = static_cast<long double>(sum) / cnt / scale;
    const long double var_num = cnt * static_cast<long double>(sum_sq) -
                                static_cast<long double>(sum) * static_cast<long double>(sum);
    const long double sd = std::sqrt(var_num / (cnt * (cnt - 1))) / scale;
    INFO("scale " << scale << ": mean " << m.mean() << " vs " << static_cast<double>(mean)
                  << ", sd " << m.sd() << " vs " << static_cast<double>(sd));
    CHECK(m.count() == n);
    CHECK(m.mean() == doctest::Approx(static_cast<double>(mean)).epsilon(1e-15));
    CHECK(m.sd() == doctest::Approx(static_cast<double>(sd)).epsilon(1e-12));
    CHECK(m.se() == doctest::Approx(m.sd() / std::sqrt(static_cast<double>(n))).epsilon(1e-15));
    // Merging is exact and order-free.
    first.merge(second);
    CHECK(first.to_json().dump() == m.to_json().dump());
    CHECK(capflow::Moments::from_json(m.to_json()).to_json().dump() == m.to_json().dump());
  }
  // A cancellation that defeats naive double sums: 1e20, 1, −1e20 has mean exactly 1/3.
  capflow::Moments m;
  for (double x : {1e20, 1.0, -1e20}) m.add(x);
  CHECK(m.mean() == 1.0 / 3);
  // Constant values: sd exactly 0, mean exactly the value.
  capflow::Moments c;
  for (int i = 0; i < 1000; ++i) c.add(123456789012.0);
  CHECK(c.mean() == 123456789012.0);
  CHECK(c.sd() == 0);
}

TEST_CASE("monte carlo: conversion outcomes are drawn with their probabilities") {
  // The Oct-2024 preset converts on most paths; each converted path takes one outcome.
  const Scenario s =
      load_preset("openai-2024-round.json", {{"/uncertainty/events/crash", "null"},
                                             {"/conversion/outcomes/0/probability", "\"30%\""},
                                             {"/conversion/outcomes/1/probability", "\"70%\""}});
  const MonteCarlo mc(s);
  REQUIRE(mc.conversion_outcomes().size() == 2);
  constexpr std::uint64_t n = 20000;
  const RunStats st = run(mc, 11, 0, n, 2);
  const auto counts = st.company.conversion_outcome.counts();
  const double never = counts.count(-1) ? static_cast<double>(counts.at(-1)) : 0.0;
  const auto converted = static_cast<std::size_t>(static_cast<double>(n) - never);
  REQUIRE(converted > n / 2);
  check_frequency(static_cast<double>(counts.at(0)) / static_cast<double>(converted), 0.3,
                  converted, "P(outcome 0 | converted)");
  // The holders' means by outcome add up, weighted by the outcomes' paths, to the mean.
  for (const auto& h : st.holders) {
    REQUIRE(h.by_outcome.size() == 3);
    double sum = 0;
    std::uint64_t paths = 0;
    for (const auto& m : h.by_outcome) {
      sum += m.mean() * static_cast<double>(m.count());
      paths += m.count();
    }
    CHECK(paths == n);
    CHECK(std::abs(sum / static_cast<double>(n) - h.nominal.moments.mean()) <=
          1e-9 * std::abs(h.nominal.moments.mean()) + 1);
  }
}
