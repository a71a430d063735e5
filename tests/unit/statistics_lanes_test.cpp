// lanes::add (statistics_lanes.hpp) must put every value where Metric::add puts it: the
// same rounded sums, the same sketch bucket, the same extremes. Checked on the values
// where the two could part: signed zeros, halves (rounding away from zero), bucket
// edges, magnitudes outside the sketch's range, values too large for the fast sums,
// and random values, in full and partial batches, through the AVX2 code the runs use.

#include <doctest/doctest.h>

#include <cmath>
#include <iterator>
#include <limits>
#include <random>
#include <vector>

#include "capflow/montecarlo/monte_carlo.hpp"
#include "capflow/montecarlo/statistics_lanes.hpp"

namespace {

using capflow::Metric;
using capflow::lanes::kWidth;

#if CAPFLOW_LANES_X86
// The production code path: lanes::add inlined into an AVX2 function. Spare lanes hold
// NaN, which Moments::add would reject: a lane past `count` must not be added.
CAPFLOW_LANES_TARGET void add_in_lanes(Metric& m, const double* x, std::size_t count) {
  capflow::lanes::Real v{};
  for (std::size_t l = 0; l < kWidth; ++l) v[l] = l < count ? x[l] : std::nan("");
  capflow::lanes::add(m, v, count);
}

CAPFLOW_LANES_TARGET void slots_in_lanes(const double* x, int* slots) {
  capflow::lanes::Real v{};
  for (std::size_t l = 0; l < kWidth; ++l) v[l] = x[l];
  const capflow::lanes::Mask s = capflow::lanes::sketch_slot(v);
  for (std::size_t l = 0; l < kWidth; ++l) slots[l] = static_cast<int>(s[l]);
}
#endif

[[maybe_unused]] std::vector<double> edge_values() {
  std::vector<double> v = {0.0,    -0.0, 1.0,    -1.0,     0.5,     -0.5,   1.5,
                           2.5,    -2.5, 0.4999, 1e-300,   -1e-300, 5e-324, 1e300,
                           -1e300, 1e19, 1e20,   123456.5, -7.25e9, 3.7e9,  1e-12};
  // Both sides of bucket edges, (1 + k/256) * 2^e.
  for (int e : {-40, -41, 0, 10, 33, 63, 64}) {
    for (int k : {0, 1, 127, 255}) {
      const double edge = std::ldexp(1.0 + k / 256.0, e);
      v.push_back(edge);
      v.push_back(std::nextafter(edge, 0.0));
      v.push_back(-edge);
    }
  }
  // Around the fast sums' limit, 2^50 after scaling.
  for (double q : {std::ldexp(1.0, 50), std::ldexp(1.0, 50) - 1, std::ldexp(1.0, 50) - 0.5}) {
    v.push_back(q);
    v.push_back(-q);
    v.push_back(q / 1e6);
  }
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> big(20, 3);
  std::normal_distribution<double> small(0, 1);
  for (int i = 0; i < 4000; ++i) {
    v.push_back(big(rng) * (i % 3 == 0 ? -1 : 1));
    v.push_back(small(rng));
  }
  return v;
}

[[maybe_unused]] std::string state(const Metric& m) {
  return m.moments.to_json().dump() + m.sketch.to_json().dump();
}

}  // namespace

// A full batch's extremes are folded by pairs (lanes::first_min, first_max): of equal
// values the first must win, as one value at a time, or a +0 and a -0 would swap.
TEST_CASE("statistics lanes: the extremes keep the first of equal values") {
#if CAPFLOW_LANES_X86
  if (!capflow::MonteCarlo::lanes_supported()) {
    MESSAGE("this CPU has no AVX2: the lane engine does not run here, nothing to compare");
    return;
  }
  // Every batch of four from {+0, -0, 1, -1}, alone and after each sign of zero.
  const double pick[] = {0.0, -0.0, 1.0, -1.0};
  for (int code = 0; code < 256; ++code) {
    const double x[kWidth] = {pick[code & 3], pick[(code >> 2) & 3], pick[(code >> 4) & 3],
                              pick[(code >> 6) & 3]};
    for (int before = 0; before < 3; ++before) {
      CAPTURE(code);
      CAPTURE(before);
      Metric one, lanes;
      if (before > 0) {
        one.add(pick[before - 1]);
        lanes.add(pick[before - 1]);
      }
      for (double v : x) one.add(v);
      add_in_lanes(lanes, x, kWidth);
      CHECK(lanes.sketch.min() == one.sketch.min());
      CHECK(std::signbit(lanes.sketch.min()) == std::signbit(one.sketch.min()));
      CHECK(lanes.sketch.max() == one.sketch.max());
      CHECK(std::signbit(lanes.sketch.max()) == std::signbit(one.sketch.max()));
    }
  }
#else
  MESSAGE("not a GCC x86-64 build: there is no lane engine to compare");
#endif
}

TEST_CASE("statistics lanes: every value lands where Metric::add puts it") {
#if CAPFLOW_LANES_X86
  if (!capflow::MonteCarlo::lanes_supported()) {
    MESSAGE("this CPU has no AVX2: the lane engine does not run here, nothing to compare");
    return;
  }
  const auto values = edge_values();
  for (double scale : {1.0, 1e6}) {
    for (std::size_t count = 1; count <= kWidth; ++count) {
      CAPTURE(scale);
      CAPTURE(count);
      Metric one(scale), lanes(scale);
      for (std::size_t i = 0; i + count <= values.size(); i += count) {
        for (std::size_t l = 0; l < count; ++l) one.add(values[i + l]);
        add_in_lanes(lanes, &values[i], count);
      }
      REQUIRE(one.moments.count() > 0);
      CHECK(state(lanes) == state(one));
      CHECK(std::signbit(lanes.sketch.min()) == std::signbit(one.sketch.min()));
    }
  }
#else
  MESSAGE("not a GCC x86-64 build: there is no lane engine to compare");
#endif
}

TEST_CASE("statistics lanes: the 64-bit lane sums fold into the exact sums at their limit") {
#if CAPFLOW_LANES_X86
  if (!capflow::MonteCarlo::lanes_supported()) return;
  // Magnitudes up to 2^50 once rounded, the largest the lane sums take, all of one sign for
  // long runs: the sums come closest to their 63 bits. Past several folds, with a
  // reading (which folds too) in the middle.
  const double top = std::ldexp(1.0, 50) - 0.25;  // rounds to 2^50, the largest
  const int batches = 5 * capflow::Moments::kLaneFlushEvery + 3;
  std::mt19937_64 rng(11);
  Metric one, lanes;
  for (int b = 0; b < batches; ++b) {
    double x[kWidth];
    for (auto& v : x) {
      v = top - static_cast<double>(rng() % 1000);
      if (b >= 2 * capflow::Moments::kLaneFlushEvery) v = -v;
    }
    for (double v : x) one.add(v);
    add_in_lanes(lanes, x, kWidth);
    if (b == capflow::Moments::kLaneFlushEvery + 7)
      CHECK(lanes.moments.mean() == one.moments.mean());
  }
  CHECK(lanes.moments.count() == static_cast<std::uint64_t>(batches) * kWidth);
  CHECK(state(lanes) == state(one));
  CHECK(lanes.moments.sd() == one.moments.sd());
#else
  MESSAGE("not a GCC x86-64 build: there is no lane engine to compare");
#endif
}

TEST_CASE("statistics lanes: one value at a time") {
#if CAPFLOW_LANES_X86
  if (!capflow::MonteCarlo::lanes_supported()) return;
  for (double x : edge_values()) {
    CAPTURE(x);
    Metric one, lanes;
    one.add(x);
    add_in_lanes(lanes, &x, 1);
    CHECK(state(lanes) == state(one));
  }
#else
  MESSAGE("not a GCC x86-64 build: there is no lane engine to compare");
#endif
}

TEST_CASE("statistics lanes: the slot of values Metric::add rejects equals Sketch::slot") {
#if CAPFLOW_LANES_X86
  if (!capflow::MonteCarlo::lanes_supported()) return;
  const double inf = std::numeric_limits<double>::infinity();
  const double values[] = {std::nan(""),
                           -std::nan(""),
                           inf,
                           -inf,
                           -5e-324,
                           std::ldexp(1.0, 64),
                           -std::ldexp(1.0, 64),
                           std::numeric_limits<double>::max()};
  for (std::size_t i = 0; i < std::size(values); i += kWidth) {
    int slots[kWidth];
    slots_in_lanes(&values[i], slots);
    for (std::size_t l = 0; l < kWidth; ++l) {
      CAPTURE(values[i + l]);
      CHECK(slots[l] == capflow::Sketch::slot(values[i + l]));
    }
  }
#else
  MESSAGE("not a GCC x86-64 build: there is no lane engine to compare");
#endif
}
