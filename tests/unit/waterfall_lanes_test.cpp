// WaterfallLanes (waterfall_lanes.hpp) against Waterfall<double> on random waterfalls:
// every lane must end each call with the bits the scalar engine gives its path. The
// shapes cover what the benchmark does not: 1 to 14 holders (the holder count as a
// template argument up to 8, the arrays in memory beyond), no tiers to four, a last
// tier that never ends or one with a size or an until target, both overflow rules,
// caps raised and lowered between calls, lanes in different tiers, and amounts of 0,
// -0, NaN, infinity, the smallest subnormal and values that land exactly on a
// boundary, with and without the receipts summed by the waterfall (`paid`).

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <stdexcept>
#include <vector>

#include "capflow/montecarlo/monte_carlo.hpp"
#include "capflow/waterfall/waterfall.hpp"
#include "capflow/waterfall/waterfall_lanes.hpp"

namespace {

using capflow::CapOverflow;
using capflow::HolderIndex;
using capflow::Waterfall;
using capflow::WaterfallLanes;
using capflow::WaterfallTerms;
using capflow::lanes::kWidth;
using capflow::lanes::Real;

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

// The production code path: WaterfallLanes::distribute inlined into an AVX2 function.
CAPFLOW_LANES_TARGET void distribute_in_lanes(WaterfallLanes& w, const double* amount, Real* paid) {
  Real a{};
  for (std::size_t l = 0; l < kWidth; ++l) a[l] = amount[l];
  w.distribute(a, paid);
}

// With sized_only, every tier but an open last one ends at a size only: the shape whose
// lanes read their own tier's terms (WaterfallLanes' sized tiers).
WaterfallTerms<double> random_terms(std::mt19937_64& rng, int trial, bool sized_only) {
  const auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  WaterfallTerms<double> t;
  const auto n = static_cast<std::size_t>(1 + pick(trial % 3 == 0 ? 14 : 9));
  t.holder_count = n;
  t.residual = static_cast<HolderIndex>(pick(static_cast<int>(n)));
  t.overflow = pick(2) ? CapOverflow::pro_rata : CapOverflow::residual;
  for (std::size_t h = 0; h < n; ++h) {
    const bool capped = h != t.residual && pick(3) != 0;
    t.has_cap.push_back(capped ? 1 : 0);
    t.cap.push_back(capped ? 5.0 * pick(6) : 0.0);
  }
  const int tiers = sized_only ? 2 + pick(3) : pick(5);
  const bool last_open = sized_only || pick(2) != 0;
  for (int k = 0; k < tiers; ++k) {
    WaterfallTerms<double>::TierTerms tt;
    tt.split.assign(n, 0.0);
    // Shares in eighths summing to 1, or 0.1 and 0.9 (not dyadic).
    const int payees = 1 + pick(static_cast<int>(std::min<std::size_t>(n, 4)));
    std::vector<std::size_t> who;
    for (int p = 0; p < payees; ++p)
      who.push_back(static_cast<std::size_t>(pick(static_cast<int>(n))));
    int eighths = 8;
    for (int p = 0; p < payees; ++p) {
      const int u = p + 1 == payees ? eighths : pick(eighths + 1);
      tt.split[who[static_cast<std::size_t>(p)]] += u / 8.0;
      eighths -= u;
    }
    if (pick(5) == 0) {
      std::fill(tt.split.begin(), tt.split.end(), 0.0);
      tt.split[who[0]] = 0.1;
      tt.split[(who[0] + 1) % n] += 0.9;
    }
    const int kind = k + 1 == tiers && last_open ? 0
                     : sized_only                ? 1
                                                 : 1 + pick(3);  // bits: size, until
    if (kind & 1) {
      tt.has_size = true;
      tt.size = (1 + pick(40)) * (pick(4) ? 1.0 : 0.3);
    }
    if (kind & 2) {
      std::vector<HolderIndex> paid;
      for (std::size_t h = 0; h < n; ++h) {
        if (tt.split[h] != 0) paid.push_back(h);
      }
      tt.has_until = true;
      tt.until_holder = paid[static_cast<std::size_t>(pick(static_cast<int>(paid.size())))];
      tt.until_received = 1 + pick(30);
    }
    t.tiers.push_back(std::move(tt));
  }
  return t;
}

// Runs `trials` random waterfalls through WaterfallLanes and four Waterfall<double>,
// requiring the same bits after every call.
void compare_with_scalar(std::uint64_t seed, int trials, bool sized_only, int min_compared) {
  std::mt19937_64 rng(seed);
  const auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  int compared = 0, throws = 0;
  for (int trial = 0; trial < trials; ++trial) {
    const WaterfallTerms<double> t = random_terms(rng, trial, sized_only);
    const std::size_t n = t.holder_count;
    std::vector<Waterfall<double>> one(kWidth, Waterfall<double>(t));
    WaterfallLanes lanes(t);
    capflow::lanes::RealVector paid(n);
    std::vector<std::vector<double>> one_paid(kWidth, std::vector<double>(n, 0.0));
    const bool with_paid = pick(2) != 0;
    const int calls = 1 + pick(12);
    for (int c = 0; c < calls; ++c) {
      CAPTURE(trial);
      CAPTURE(c);
      if (pick(2)) {  // caps raised, kept or lowered to 0, lane by lane
        std::vector<std::vector<double>> caps(kWidth, std::vector<double>(n));
        for (std::size_t h = 0; h < n; ++h) {
          for (std::size_t l = 0; l < kWidth; ++l) {
            caps[l][h] = t.cap[h] * (pick(3) ? 1.0 + pick(4) * 0.5 : pick(2) ? 1.0 : 0.0);
            lanes.caps()[h][l] = caps[l][h];
          }
        }
        for (std::size_t l = 0; l < kWidth; ++l) one[l].set_caps(caps[l]);
      }
      double amount[kWidth];
      for (double& a : amount) {
        const int r = pick(20);
        a = r < 4     ? 0.0
            : r < 14  ? pick(25)
            : r < 17  ? pick(1000) * 0.013
            : r == 17 ? HUGE_VAL
            : r == 18 ? std::nan("")
                      : 5e-324;
        if (pick(50) == 0) a = -0.0;
      }
      bool one_threw = false, lanes_threw = false;
      for (std::size_t l = 0; l < kWidth; ++l) {
        if (amount[l] == 0) continue;  // as the year step: no call for nothing to pay
        const std::vector<double> before = one[l].received();
        try {
          one[l].distribute(amount[l]);
        } catch (const std::logic_error&) {
          one_threw = true;
        }
        for (std::size_t h = 0; h < n; ++h)
          one_paid[l][h] = one_paid[l][h] + (one[l].received()[h] - before[h]);
      }
      try {
        distribute_in_lanes(lanes, amount, with_paid ? paid.data() : nullptr);
      } catch (const std::logic_error&) {
        lanes_threw = true;
      }
      CHECK(lanes_threw == one_threw);
      if (one_threw || lanes_threw) {
        ++throws;
        break;
      }
      for (std::size_t l = 0; l < kWidth; ++l) {
        for (std::size_t h = 0; h < n; ++h) {
          CAPTURE(l);
          CAPTURE(h);
          REQUIRE(same_bits(lanes.received()[h][l], one[l].received()[h]));
          REQUIRE((lanes.at_cap(h)[l] != 0) == one[l].at_cap(h));
          if (with_paid) REQUIRE(same_bits(paid[h][l], one_paid[l][h]));
        }
      }
      ++compared;
    }
  }
  CHECK(compared > min_compared);
  CHECK(throws < trials / 30);
}

}  // namespace

TEST_CASE("waterfall lanes: every lane equals the scalar engine on random waterfalls") {
  if (!capflow::MonteCarlo::lanes_supported()) {
    MESSAGE("this CPU has no AVX2: the lane engine does not run here, nothing to compare");
    return;
  }
  compare_with_scalar(2024, 3000, false, 10000);
}

TEST_CASE("waterfall lanes: lanes in different sized tiers equal the scalar engine") {
  if (!capflow::MonteCarlo::lanes_supported()) {
    MESSAGE("this CPU has no AVX2: the lane engine does not run here, nothing to compare");
    return;
  }
  compare_with_scalar(2029, 2000, true, 6000);
}
