// LeanPath (lean_path.hpp) must give bit for bit what the general year step gives on
// every scenario it accepts: same summary, same yearly receipts. Held against
// ProjectionEngine<double> on the eligible presets and on randomly perturbed inputs
// (growth, cost values, caps, terminal multiple), so a change to either engine that
// moves a single bit fails here.

#include <doctest/doctest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "capflow/montecarlo/lean_path.hpp"
#include "capflow/montecarlo/monte_carlo.hpp"
#include "capflow/projection/projection_engine.hpp"
#include "capflow/terms/scenario.hpp"
#include "unit/path_fixture.hpp"
#include "unit/scenario_fixture.hpp"

namespace {

using capflow::testing::check_same;
using capflow::testing::perturb;
using capflow::testing::same_bits;

capflow::Scenario load(const std::string& name,
                       const std::vector<capflow::Override>& overrides = {}) {
  return capflow::testing::load_preset_ok(name, overrides);
}

// Runs both engines on `inputs` and compares summaries and every yearly receipt.
void compare(const capflow::ProjectionTerms<double>& terms,
             const capflow::PathInputs<double>& inputs) {
  capflow::ProjectionEngine<double> general(terms);
  capflow::LeanPath lean(terms);
  std::vector<double> general_received, lean_received;
  general.run(inputs, [&](const capflow::YearRecord<double>& r) {
    for (std::size_t h = 0; h < terms.holders; ++h)
      general_received.push_back(r.received[h] + r.other[h]);
  });
  lean.run(inputs, [&](int, const double* received) {
    for (std::size_t h = 0; h < terms.holders; ++h) lean_received.push_back(received[h]);
  });
  REQUIRE(general_received.size() == lean_received.size());
  for (std::size_t k = 0; k < general_received.size(); ++k) {
    CAPTURE(k);
    CHECK(same_bits(general_received[k], lean_received[k]));
  }
  check_same(general.summary(), lean.summary());
}

// The scenario's own inputs, then 400 perturbations of them.
void compare_eligible(const capflow::Scenario& s, std::uint64_t seed) {
  const auto terms = capflow::ProjectionTerms<double>::from(*s.projection, s.waterfall);
  REQUIRE(capflow::LeanPath::applies(terms));
  const auto base = terms.base_inputs(*s.projection, s.waterfall);
  compare(terms, base);
  std::mt19937_64 rng(seed);
  for (int trial = 0; trial < 400; ++trial) {
    auto in = base;
    perturb(in, rng);
    compare(terms, in);
  }
}

}  // namespace

TEST_CASE(
    "lean path: the benchmark workload is eligible and matches the general step bit for bit") {
  const auto s = load("bench.json");
  compare_eligible(s, 7);
}

TEST_CASE(
    "lean path: cost amounts, growth costs, perpetuity value, payout ratio and a cash floor") {
  // Every lean feature the benchmark does not use, through --set overrides on it.
  const auto s = load(
      "bench.json",
      {{"/projection/costs/fixed",
        R"({"amounts": {"2025": "2B"}, "growth": {"2026": "0%", "2030": "-10%"}})"},
       {"/projection/costs/growing", R"({"amounts": {"2024": "1B"}, "growth": {"2025": "10%"}})"},
       {"/projection/distribution/payout_ratio", R"("60%")"},
       {"/projection/terminal_value", R"({"perpetuity_growth": "3%"})"},
       {"/projection/opening_cash", R"("10B")"},
       {"/projection/funding", R"({"cash_floor": "2B", "on_shortfall": "external"})"}});
  compare_eligible(s, 11);
}

TEST_CASE("lean path: scenarios with rounds, conversion or funding are not eligible") {
  for (const char* name :
       {"openai-2024-round.json", "openai-recap-2025.json", "dotcom-crash.json"}) {
    CAPTURE(name);
    const auto s = load(name);
    const auto terms = capflow::ProjectionTerms<double>::from(*s.projection, s.waterfall);
    CHECK_FALSE(capflow::LeanPath::applies(terms));
  }
}

TEST_CASE("monte carlo: simulate_years gives each path's years, matching that path's summary") {
  // The report's fan chart reads paths year by year; each path's yearly receipts must add
  // up to what the run itself counts for that path (simulate_one, the lean path here).
  const auto s = load("bench.json");
  const capflow::MonteCarlo mc(s);
  const std::uint64_t begin = 3, end = 9;
  std::vector<std::vector<double>> totals(end - begin,
                                          std::vector<double>(s.waterfall.holders.size(), 0.0));
  std::vector<int> years(end - begin, 0);
  mc.simulate_years(42, begin, end, [&](std::uint64_t path, const capflow::YearRecord<double>& y) {
    REQUIRE(path >= begin);
    REQUIRE(path < end);
    ++years[path - begin];
    for (std::size_t h = 0; h < totals[0].size(); ++h) totals[path - begin][h] += y.received[h];
  });
  for (std::uint64_t p = begin; p < end; ++p) {
    CAPTURE(p);
    CHECK(years[p - begin] == s.projection->last_year - s.projection->first_year + 1);
    const auto summary = mc.simulate_one(42, p);
    for (std::size_t h = 0; h < totals[0].size(); ++h)
      CHECK(same_bits(totals[p - begin][h], summary.total_received[h]));
  }
}
