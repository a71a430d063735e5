// capflow_bench_waterfall [SCENARIO] — throughput and latency of the waterfall engine.
//
// Measures, on one thread:
//   * double allocate through one reused Waterfall<double> (reset + distribute of a
//     cumulative profit from zero), which allocates nothing per call;
//   * the free function allocate<double>() (constructs a Waterfall and returns a vector
//     per call), for comparison;
//   * the Monte Carlo shape: paths of 12 yearly set_caps + distribute with growing caps,
//     timed per yearly call (each call starts where the last one stopped);
//   * exact Rational allocate and breakpoints(), the latency behind `capflow waterfall`.
// Profits are precomputed pseudo-random values spread uniformly over $0–$1T, so the
// branches (which tier, which caps bind) vary from call to call as in a simulation.
// Every figure is the median of several repetitions; a checksum of all receipts is
// printed so the compiler cannot drop the work.
//
// SCENARIO defaults to scenarios/openai-wsj-2023.json in the source tree.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "capflow/terms/scenario.hpp"
#include "capflow/waterfall/breakpoints.hpp"
#include "capflow/waterfall/waterfall.hpp"

#ifndef CAPFLOW_DEFAULT_SCENARIO
#error "CAPFLOW_DEFAULT_SCENARIO must name the default scenario file"
#endif

namespace {

using capflow::Rational;
using capflow::WaterfallTerms;
using Clock = std::chrono::steady_clock;

constexpr double kMaxProfit = 1e12;            // profits are drawn from [0, $1T)
constexpr std::size_t kProfitCount = 1 << 16;  // 512 KiB of doubles: stays in L2
constexpr int kRepetitions = 7;                // each figure is the median of these

// SplitMix64: a fixed, portable generator, so every build draws the same profits.
std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::vector<double> random_profits(std::size_t count, std::uint64_t seed) {
  std::vector<double> profits(count);
  for (double& p : profits) {
    // Top 53 bits as a double in [0, 1).
    const double unit = static_cast<double>(splitmix64(seed) >> 11) * 0x1.0p-53;
    p = unit * kMaxProfit;
  }
  return profits;
}

// CPU time of the calling thread: unlike wall time, it does not count the time other
// processes hold the core, so figures stay comparable on a busy machine.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Timing {
  double cpu_seconds = 0;   // median thread CPU time of one repetition
  double wall_seconds = 0;  // median wall time of one repetition
  double checksum = 0;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Runs body() kRepetitions times; returns the median times and the checksum of the last run.
template <class Body>
Timing median_of_repetitions(Body body) {
  std::vector<double> cpu;
  std::vector<double> wall;
  double checksum = 0;
  for (int r = 0; r < kRepetitions; ++r) {
    const auto wall_start = Clock::now();
    const double cpu_start = thread_cpu_seconds();
    checksum = body();
    cpu.push_back(thread_cpu_seconds() - cpu_start);
    wall.push_back(std::chrono::duration<double>(Clock::now() - wall_start).count());
  }
  return {median(cpu), median(wall), checksum};
}

void report(const char* what, std::size_t calls, const Timing& t) {
  const double n = static_cast<double>(calls);
  const double cpu_per_call = t.cpu_seconds / n;
  std::printf("%-44s %11.3e %11.1f %11.1f  %.9e\n", what, 1.0 / cpu_per_call, cpu_per_call * 1e9,
              t.wall_seconds / n * 1e9, t.checksum);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : CAPFLOW_DEFAULT_SCENARIO;
  capflow::LoadResult loaded = capflow::load_scenario(path);
  if (!loaded.scenario) {
    for (const auto& d : loaded.diagnostics) std::fprintf(stderr, "%s\n", to_string(d).c_str());
    return 1;
  }
  const capflow::WaterfallSpec& spec = loaded.scenario->waterfall;
  const auto fast = WaterfallTerms<double>::from(spec);
  const auto exact = WaterfallTerms<Rational>::from(spec);
  const std::vector<double> profits = random_profits(kProfitCount, 20231101);

  std::printf("scenario: %s (%zu holders, %zu tiers)\n", path.c_str(), spec.holders.size(),
              spec.tiers.size());
  std::printf("profits:  %zu pseudo-random values, uniform over [$0, $1T)\n", kProfitCount);
  std::printf("timing:   median of %d repetitions, one thread; calls/s from CPU time\n\n",
              kRepetitions);
  std::printf("%-44s %11s %11s %11s  %s\n", "", "calls/s", "CPU ns/call", "wall ns", "checksum");

  // Hot path: one Waterfall reused for every call.
  {
    constexpr int kPasses = 30;  // ~2M calls
    capflow::Waterfall<double> w(fast);
    const Timing t = median_of_repetitions([&] {
      double sum = 0;
      for (int pass = 0; pass < kPasses; ++pass) {
        for (double p : profits) {
          w.reset();
          w.distribute(p);
          for (double r : w.received()) sum += r;
        }
      }
      return sum;
    });
    report("double, reused Waterfall (reset+distribute)", kPasses * kProfitCount, t);
  }

  // The compiled table: exact corners, double evaluation (fixed caps only).
  {
    constexpr int kPasses = 30;
    const capflow::CompiledAllocation table(capflow::breakpoints(exact));
    std::vector<double> out(table.holders());
    const Timing t = median_of_repetitions([&] {
      double sum = 0;
      for (int pass = 0; pass < kPasses; ++pass) {
        for (double p : profits) {
          table.allocate(p, out.data());
          for (double r : out) sum += r;
        }
      }
      return sum;
    });
    report("double, CompiledAllocation (breakpoint table)", kPasses * kProfitCount, t);
  }

  // The free function: builds a Waterfall and returns a fresh vector each call.
  {
    constexpr int kPasses = 10;
    const Timing t = median_of_repetitions([&] {
      double sum = 0;
      for (int pass = 0; pass < kPasses; ++pass) {
        for (double p : profits) {
          for (double r : capflow::allocate(fast, p)) sum += r;
        }
      }
      return sum;
    });
    report("double, allocate() (allocates per call)", kPasses * kProfitCount, t);
  }

  // Monte Carlo shape: one path = reset, then 12 yearly set_caps (caps growing 20 % a
  // year, as in bench-1m) + distribute of a year's profit; a call here is one year.
  {
    constexpr std::size_t kYears = 12;
    constexpr int kPasses = 30;
    std::vector<std::vector<double>> caps(kYears, fast.cap);
    double growth = 1;
    for (auto& year : caps) {
      growth *= 1.2;
      for (double& c : year) c *= growth;
    }
    capflow::Waterfall<double> w(fast);
    const Timing t = median_of_repetitions([&] {
      double sum = 0;
      for (int pass = 0; pass < kPasses; ++pass) {
        for (std::size_t first = 0; first + kYears <= profits.size(); first += kYears) {
          w.reset();
          for (std::size_t y = 0; y < kYears; ++y) {
            w.set_caps(caps[y]);
            w.distribute(profits[first + y] / kYears);
          }
          for (double r : w.received()) sum += r;
        }
      }
      return sum;
    });
    report("double, yearly path (set_caps+distribute)",
           kPasses * (profits.size() / kYears) * kYears, t);
  }

  // Exact path: the same profits as rationals (exact conversions of the doubles).
  {
    constexpr std::size_t kCalls = 2000;
    std::vector<Rational> exact_profits(profits.begin(), profits.begin() + kCalls);
    const Timing t = median_of_repetitions([&] {
      double sum = 0;
      for (const Rational& p : exact_profits) {
        for (const Rational& r : capflow::allocate(exact, p)) sum += capflow::to_double(r);
      }
      return sum;
    });
    report("Rational, allocate()", kCalls, t);
  }

  {
    constexpr std::size_t kCalls = 500;
    const Timing t = median_of_repetitions([&] {
      double sum = 0;
      for (std::size_t i = 0; i < kCalls; ++i) {
        const capflow::BreakpointTable table = capflow::breakpoints(exact);
        for (const auto& b : table.points) sum += capflow::to_double(b.profit);
      }
      return sum;
    });
    report("Rational, breakpoints()", kCalls, t);
  }
  return 0;
}
