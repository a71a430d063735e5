// The lane engine (lean_path.hpp in lanes, waterfall_lanes.hpp, monte_carlo_lanes.cpp) must give
// each path the bits the one-path engine gives: held per lane against LeanPath on
// perturbed inputs (four different paths side by side), and as whole Monte Carlo runs
// against the same runs one path at a time, on every lean feature: named and correlated
// inputs, mean reversion, crashes, a partial last batch.

#include <doctest/doctest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "capflow/montecarlo/batch_path.hpp"
#include "capflow/montecarlo/lean_path.hpp"
#include "capflow/montecarlo/monte_carlo.hpp"
#include "capflow/montecarlo/path_irr.hpp"
#include "capflow/montecarlo/random.hpp"
#include "capflow/montecarlo/random_lanes.hpp"
#include "unit/path_fixture.hpp"
#include "unit/scenario_fixture.hpp"

namespace {

using capflow::testing::check_same;
using capflow::testing::perturb;
using capflow::testing::same_bits;

using capflow::lanes::kWidth;

// kWidth perturbed paths side by side against LeanPath one at a time, trials times.
// The lane code uses AVX instructions (lanes::any): it runs only where MonteCarlo would.
bool lanes_here() {
  if (capflow::MonteCarlo::lanes_supported()) return true;
  MESSAGE("this CPU has no AVX2: the lane engine does not run here, nothing to compare");
  return false;
}

void compare_lanes(const capflow::Scenario& s, std::uint64_t seed, int trials) {
  if (!lanes_here()) return;
  const auto terms = capflow::ProjectionTerms<double>::from(*s.projection, s.waterfall);
  REQUIRE(capflow::LeanPath::applies(terms));
  const auto base = terms.base_inputs(*s.projection, s.waterfall);
  std::mt19937_64 rng(seed);
  capflow::BatchPath batch(terms);
  capflow::LeanPath lean(terms);
  capflow::LaneInputs lane_inputs(base);
  for (int trial = 0; trial < trials; ++trial) {
    std::vector<capflow::PathInputs<double>> paths(kWidth, base);
    // Lane 0 keeps the scenario's own inputs on the first trial.
    for (std::size_t l = 0; l < kWidth; ++l) {
      if (trial > 0 || l > 0) perturb(paths[l], rng);
      lane_inputs.set_lane(l, paths[l]);
    }
    std::vector<double> batch_received;
    batch.run(lane_inputs, [&](int, const capflow::lanes::Real* received) {
      for (std::size_t h = 0; h < terms.holders; ++h) {
        for (std::size_t l = 0; l < kWidth; ++l) batch_received.push_back(received[h][l]);
      }
    });
    const auto years = static_cast<std::size_t>(terms.years);
    for (std::size_t l = 0; l < kWidth; ++l) {
      CAPTURE(trial);
      CAPTURE(l);
      std::size_t year = 0;
      lean.run(paths[l], [&](int, const double* received) {
        for (std::size_t h = 0; h < terms.holders; ++h) {
          CHECK(same_bits(received[h], batch_received[(year * terms.holders + h) * kWidth + l]));
        }
        ++year;
      });
      REQUIRE(year == years);
      check_same(lean.summary(), batch.summary(l));
    }
  }
}

// A whole run in lanes and one path at a time: the exact accumulators must be equal.
void compare_runs(const capflow::Scenario& s, std::uint64_t paths) {
  if (!lanes_here()) return;
  const capflow::MonteCarlo mc(s);
  REQUIRE(mc.runs_in_lanes());
  capflow::RunRequest lanes_on;
  lanes_on.seed = 2026;
  lanes_on.paths = paths;
  lanes_on.threads = 2;
  capflow::RunRequest lanes_off = lanes_on;
  lanes_off.lanes = false;
  lanes_off.threads = 1;
  CHECK(mc.run(lanes_on).to_json() == mc.run(lanes_off).to_json());
}

// The first tier ends when first_close has received `amount` (or reached its cap).
capflow::Override first_close_until(const std::string& amount) {
  return {
      "/waterfall/tiers/0",
      R"({"name": "first close", "split": {"first_close": 1}, "until": {"holder": "first_close", "received": ")" +
          amount + R"("}})"};
}

const std::vector<capflow::Override> kLeanFeatures = {
    {"/projection/costs/fixed",
     R"({"amounts": {"2025": "2B"}, "growth": {"2026": "0%", "2030": "-10%"}})"},
    {"/projection/costs/growing", R"({"amounts": {"2024": "1B"}, "growth": {"2025": "10%"}})"},
    {"/projection/distribution/payout_ratio", R"("60%")"},
    {"/projection/terminal_value", R"({"perpetuity_growth": "3%"})"},
    {"/projection/opening_cash", R"("10B")"},
    {"/projection/funding", R"({"cash_floor": "2B", "on_shortfall": "external"})"}};

}  // namespace

TEST_CASE("lanes: each lane of the benchmark matches LeanPath bit for bit") {
  compare_lanes(capflow::testing::load_preset_ok("bench.json"), 5, 300);
}

TEST_CASE("lanes: cost amounts, growth costs, perpetuity, payout ratio and a cash floor") {
  compare_lanes(capflow::testing::load_preset_ok("bench.json", kLeanFeatures), 13, 300);
}

TEST_CASE("lanes: pro-rata overflow and a tier that ends at a holder's target") {
  // Tiers ending by `until`, and capped shares re-divided among the uncapped holders,
  // are the waterfall paths the benchmark does not take.
  const auto s = capflow::testing::load_preset_ok(
      "bench.json", {{"/waterfall/cap_overflow", R"("pro_rata")"}, first_close_until("1B")});
  compare_lanes(s, 17, 300);
}

TEST_CASE("lanes: whole runs equal one-path runs, partial last batch included") {
  compare_runs(capflow::testing::load_preset_ok("bench.json"), 2 * 2048 + 3);
  compare_runs(capflow::testing::load_preset_ok("bench.json", kLeanFeatures), 1001);
}

TEST_CASE("lanes: named and correlated inputs, mean reversion and crashes") {
  const auto s = capflow::testing::load_preset_ok(
      "bench.json",
      {{"/uncertainty/inputs",
        R"({"growth_2027": {"distribution": "triangular", "min": "20%", "mode": "70%", "max": "110%",
                            "target": "/projection/revenue/growth/2027"},
            "terminal": {"distribution": "lognormal", "median": 10, "p90": 20,
                         "target": "/projection/terminal_value/multiple"},
            "cap_growth": {"distribution": "discrete", "values": ["0%", "20%"],
                           "probabilities": ["30%", "70%"], "target": "/projection/cap_growth/rate"},
            "msft_cap": {"distribution": "uniform", "min": "50B", "max": "120B",
                         "target": "/holders/microsoft/cap"}})"},
       {"/uncertainty/correlations",
        R"([{"between": ["revenue_growth", "cost_shock"], "rho": -0.5},
            {"between": ["growth_2027", "terminal"], "rho": 0.4}])"},
       {"/uncertainty/processes/revenue_growth/mean_reversion", "0.5"},
       {"/uncertainty/events",
        R"({"crash": {"probability_per_year": "20%", "from_year": 2026, "growth_cut": "-40%", "years": 2}})"}});
  compare_runs(s, 999);
}

namespace {
// LanesRandom::uniform4 is compiled for AVX2, so its caller must be too.
CAPFLOW_LANES_AVX2 void lane_uniforms(const capflow::LanesRandom& random, std::uint32_t stream,
                                      std::uint32_t index, capflow::lanes::Real* out) {
  random.uniform4(stream, index, out);
}
}  // namespace

TEST_CASE("lanes: Philox in lanes gives each lane the draws of its own path") {
  if (!lanes_here()) return;
  std::mt19937_64 rng(99);
  for (int trial = 0; trial < 200; ++trial) {
    const std::uint64_t seed = rng();
    std::uint64_t paths[kWidth];
    // Paths above 2^32 too: the high half of the counter must be right.
    for (std::size_t l = 0; l < kWidth; ++l) paths[l] = trial % 2 ? rng() : rng() % 100000;
    const capflow::LanesRandom lanes(seed, paths);
    const auto stream = static_cast<std::uint32_t>(rng());
    const auto index = static_cast<std::uint32_t>(rng() % 16);
    capflow::lanes::Real out[4];
    lane_uniforms(lanes, stream, index, out);
    for (std::size_t l = 0; l < kWidth; ++l) {
      double expected[4];
      capflow::PathRandom(seed, paths[l]).uniform4(stream, index, expected);
      for (std::size_t m = 0; m < 4; ++m) {
        CAPTURE(trial);
        CAPTURE(l);
        CAPTURE(m);
        CHECK(same_bits(out[m][l], expected[m]));
      }
    }
  }
}

namespace {

void check_same_irr(const std::optional<double>& a, const std::optional<double>& b) {
  REQUIRE(a.has_value() == b.has_value());
  if (a) CHECK(same_bits(*a, *b));
}

// The production lane engine (the AVX2 code run_lanes runs) against the one-path engine,
// path by path: summaries and IRRs bit for bit, on low and high path numbers.
void compare_production(const capflow::Scenario& s, int batches) {
  if (!lanes_here()) return;
  const capflow::MonteCarlo mc(s);
  REQUIRE(mc.runs_in_lanes());
  std::mt19937_64 rng(31);
  for (int b = 0; b < batches; ++b) {
    std::uint64_t paths[kWidth];
    for (std::size_t l = 0; l < kWidth; ++l)
      paths[l] = b == 0 ? l : (b % 2 ? rng() % 100000 : (1ull << 32) - 2 + l + rng() % 1000);
    const auto lanes = mc.simulate_lanes(2027, paths);
    for (std::size_t l = 0; l < kWidth; ++l) {
      CAPTURE(b);
      CAPTURE(paths[l]);
      const auto one = mc.simulate_one_full(2027, paths[l]);
      check_same(one.summary, lanes[l].summary);
      for (std::size_t h = 0; h < one.irr.size(); ++h) check_same_irr(one.irr[h], lanes[l].irr[h]);
    }
  }
}

}  // namespace

TEST_CASE("lanes: the AVX2 engine gives every path the one-path engine's bits") {
  compare_production(capflow::testing::load_preset_ok("bench.json"), 150);
  compare_production(capflow::testing::load_preset_ok("bench.json", kLeanFeatures), 60);
}

TEST_CASE("lanes: the AVX2 engine with pro-rata overflow and until tiers, one clipped by a cap") {
  compare_production(
      capflow::testing::load_preset_ok(
          "bench.json", {{"/waterfall/cap_overflow", R"("pro_rata")"}, first_close_until("1B")}),
      100);
  // The until target (30B) above first_close's cap (10 x 194M, growing): the cap ends the tier.
  compare_production(capflow::testing::load_preset_ok(
                         "bench.json", {{"/holders/first_close/cap", R"({"multiple": 10})"},
                                        first_close_until("30B")}),
                     100);
}

TEST_CASE("lanes: the AVX2 engine at extreme volatility, clamped costs and a named cost input") {
  // Volatile enough for IRRs that leave Newton's method and for cost ratios at their bounds.
  compare_production(
      capflow::testing::load_preset_ok(
          "bench.json", {{"/uncertainty/processes/revenue_growth/volatility", "1.5"},
                         {"/uncertainty/processes/cost_shock/volatility", "0.8"},
                         {"/uncertainty/inputs",
                          R"({"ratio_2027": {"distribution": "uniform", "min": 0.5, "max": 2.5,
                               "target": "/projection/costs/costs/ratio/2027"}})"}}),
      200);
}

TEST_CASE("lanes: IRR in lanes equals the scalar IRR, fallbacks included") {
  if (!lanes_here()) return;
  std::mt19937_64 rng(8);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const int n = 13;
  int undefined = 0;
  for (int trial = 0; trial < 4000; ++trial) {
    // Two series, solved together and the first alone too: interleaving them must not
    // change either (the pair converges in different numbers of steps).
    capflow::lanes::Real cf[2][n];
    for (auto& series : cf) {
      for (int k = 0; k < n; ++k) {
        for (std::size_t l = 0; l < kWidth; ++l) {
          // Money in early, back late, sometimes nothing back, sometimes sign changes.
          const double u = unit(rng);
          series[k][l] =
              k < 2 ? -1e9 * u : (u < 0.3 ? 0.0 : (u < 0.35 ? -1e8 * u : 1e10 * u * u * u));
        }
      }
    }
    const capflow::lanes::Real* series[2] = {cf[0], cf[1]};
    std::optional<double> pair_irr[2][kWidth], alone_irr[1][kWidth];
    capflow::path_irr<2>(series, n, pair_irr);
    capflow::path_irr<1>(series, n, alone_irr);
    for (std::size_t m = 0; m < 2; ++m) {
      for (std::size_t l = 0; l < kWidth; ++l) {
        double flows[n];
        for (int k = 0; k < n; ++k) flows[k] = cf[m][k][l];
        const auto one = capflow::path_irr(flows, n);
        if (!one) ++undefined;
        CAPTURE(trial);
        CAPTURE(m);
        check_same_irr(one, pair_irr[m][l]);
        if (m == 0) check_same_irr(one, alone_irr[0][l]);
      }
    }
  }
  CHECK(undefined < 2 * 4000 * static_cast<int>(kWidth));
}
