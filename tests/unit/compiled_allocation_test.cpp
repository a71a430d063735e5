#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "capflow/terms/scenario.hpp"
#include "capflow/waterfall/breakpoints.hpp"

using namespace capflow;

TEST_CASE("CompiledAllocation agrees with the double and exact engines on every preset waterfall") {
  for (const char* name :
       {"openai-wsj-2023.json", "openai-fortune-2023.json", "openai-semafor-2023.json"}) {
    CAPTURE(name);
    LoadResult loaded = load_scenario(std::string(CAPFLOW_SOURCE_DIR) + "/scenarios/" + name);
    REQUIRE(loaded.scenario.has_value());
    const auto exact = WaterfallTerms<Rational>::from(loaded.scenario->waterfall);
    const auto fast = WaterfallTerms<double>::from(loaded.scenario->waterfall);
    const CompiledAllocation table(breakpoints(exact));
    Waterfall<double> w(fast);
    std::vector<double> out(table.holders());
    std::mt19937_64 rng(20261128);
    std::uniform_real_distribution<double> profit(0, 1e12);
    for (int i = 0; i < 2000; ++i) {
      const double p = i == 0 ? 0.0 : profit(rng);
      table.allocate(p, out.data());
      w.reset();
      w.distribute(p);
      double sum = 0;
      for (std::size_t h = 0; h < out.size(); ++h) {
        CAPTURE(p);
        CHECK(std::fabs(out[h] - w.received()[h]) <= 1e-9 * std::max(1.0, p));
        sum += out[h];
      }
      CHECK(std::fabs(sum - p) <= 1e-9 * std::max(1.0, p));
    }
    // At the corners themselves the table reproduces the exact receipts.
    const BreakpointTable bps = breakpoints(exact);
    for (const Breakpoint& b : bps.points) {
      table.allocate(to_double(b.profit), out.data());
      for (std::size_t h = 0; h < out.size(); ++h) {
        CHECK(std::fabs(out[h] - to_double(b.received[h])) <=
              1e-6 * std::max(1.0, to_double(b.profit)));
      }
    }
  }
}
