// Invariants of the waterfall engine (SPEC §2) over many random waterfalls.
//
// Every case is built from its own seed (base seed + case number) with std::mt19937_64,
// so a failure is reproduced by its seed alone; the first counterexample stops the test
// and is printed with its seed and its spec. CAPFLOW_PROPERTY_SEED changes the base seed
// and CAPFLOW_PROPERTY_CASES the number of cases per property (default 250).

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <numeric>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "capflow/waterfall/breakpoints.hpp"
#include "capflow/waterfall/rounding.hpp"
#include "capflow/waterfall/solve.hpp"
#include "capflow/waterfall/waterfall.hpp"

using capflow::CapOverflow;
using capflow::Holder;
using capflow::HolderIndex;
using capflow::Integer;
using capflow::Money;
using capflow::Rational;
using capflow::Share;
using capflow::Tier;
using capflow::TierUntil;
using capflow::WaterfallSpec;
using Terms = capflow::WaterfallTerms<Rational>;
using FastTerms = capflow::WaterfallTerms<double>;
using Engine = capflow::Waterfall<Rational>;
using FastEngine = capflow::Waterfall<double>;
using Amounts = std::vector<Rational>;
using Rng = std::mt19937_64;

namespace {

constexpr std::uint64_t kDefaultSeed = 20240601;
constexpr long long kDefaultCases = 250;

std::uint64_t base_seed() {
  const char* s = std::getenv("CAPFLOW_PROPERTY_SEED");
  return s != nullptr ? std::strtoull(s, nullptr, 10) : kDefaultSeed;
}

long long case_count() {
  const char* s = std::getenv("CAPFLOW_PROPERTY_CASES");
  return s != nullptr ? std::max(1LL, std::atoll(s)) : kDefaultCases;
}

long long uniform(Rng& rng, long long lo, long long hi) {
  return std::uniform_int_distribution<long long>(lo, hi)(rng);
}

std::size_t index_below(Rng& rng, std::size_t n) {
  return static_cast<std::size_t>(uniform(rng, 0, static_cast<long long>(n) - 1));
}

// A positive amount up to max_dollars, in whole dollars, cents, halves, thirds or sevenths.
Rational random_amount(Rng& rng, long long max_dollars) {
  static constexpr long long kDenominators[] = {1, 1, 2, 3, 7, 100};
  const long long den = kDenominators[index_below(rng, std::size(kDenominators))];
  return Rational(uniform(rng, 1, max_dollars * den), den);
}

// Shares of 1 to n holders, from integer weights: they sum to exactly 1.
std::vector<Share> random_split(Rng& rng, std::size_t n) {
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::shuffle(order.begin(), order.end(), rng);
  const std::size_t k = 1 + index_below(rng, n);
  std::vector<long long> weight(n, 0);
  long long total = 0;
  for (std::size_t i = 0; i < k; ++i) {
    weight[order[i]] = uniform(rng, 1, 12);
    total += weight[order[i]];
  }
  std::vector<Share> split;
  for (long long w : weight) split.push_back(Rational(w, total));
  return split;
}

std::string show(const Rational& r) {
  return r.str();
}

std::string describe(const WaterfallSpec& spec) {
  std::ostringstream out;
  out << "cap_overflow " << (spec.overflow == CapOverflow::pro_rata ? "pro_rata" : "residual")
      << ", residual holder " << spec.residual << "\n";
  for (std::size_t h = 0; h < spec.holders.size(); ++h) {
    const Holder& x = spec.holders[h];
    out << "  holder " << h << " " << x.id;
    if (x.cap) out << " cap " << show(*x.cap);
    if (x.cap_multiple) out << " (" << show(*x.cap_multiple) << " x " << show(x.invested) << ")";
    out << "\n";
  }
  for (std::size_t i = 0; i < spec.tiers.size(); ++i) {
    const Tier& t = spec.tiers[i];
    out << "  tier " << i << " split [";
    for (std::size_t h = 0; h < t.split.size(); ++h) out << (h ? " " : "") << show(t.split[h]);
    out << "]";
    if (t.size) out << " size " << show(*t.size);
    if (t.until) out << " until holder " << t.until->holder << " has " << show(t.until->received);
    out << "\n";
  }
  return out.str();
}

struct RandomCase {
  std::uint64_t seed = 0;
  WaterfallSpec spec;
  std::string text;  // describe(spec), printed on failure
  Rational scale;    // a profit this large passes every tier end and every cap
};

// 2-7 holders (one residual; others uncapped, capped absolutely, capped as a multiple of
// their investment, or now and then capped at 0), 1-5 tiers ending by size, until, both,
// or (last tier only) never, and either overflow rule.
RandomCase make_case(std::uint64_t seed) {
  Rng rng(seed);
  RandomCase c;
  c.seed = seed;
  WaterfallSpec& spec = c.spec;
  const std::size_t n = static_cast<std::size_t>(uniform(rng, 2, 7));
  spec.residual = index_below(rng, n);
  spec.overflow = uniform(rng, 0, 1) == 0 ? CapOverflow::residual : CapOverflow::pro_rata;
  Rational scale = 1;
  for (std::size_t h = 0; h < n; ++h) {
    Holder x;
    x.id = "h" + std::to_string(h);
    x.name = x.id;
    if (h == spec.residual) {
      x.residual = true;
    } else {
      const long long kind = uniform(rng, 0, 19);
      if (kind < 6) {
        // uncapped
      } else if (kind < 15) {
        x.cap = random_amount(rng, 300);
      } else if (kind < 19) {
        static constexpr long long kMultiples[][2] = {{1, 2}, {1, 1}, {3, 2}, {2, 1}, {5, 1}};
        const auto& m = kMultiples[index_below(rng, std::size(kMultiples))];
        x.invested = random_amount(rng, 60);
        x.cap_multiple = Rational(m[0], m[1]);
        x.cap = *x.cap_multiple * x.invested;
      } else {
        x.cap = Rational(0);
      }
      if (x.cap) scale += *x.cap;
    }
    spec.holders.push_back(x);
  }
  const std::size_t tiers = static_cast<std::size_t>(uniform(rng, 1, 5));
  for (std::size_t i = 0; i < tiers; ++i) {
    Tier t;
    t.name = "tier " + std::to_string(i);
    t.split = random_split(rng, n);
    const bool last = i + 1 == tiers;
    // 0: size, 1: until, 2: both, 3: neither (last tier only, and then half the time).
    long long end = uniform(rng, 0, last ? 5 : 2);
    if (end > 3) end = 3;
    if (end == 0 || end == 2) {
      t.size = random_amount(rng, 300);
      scale += *t.size;
    }
    if (end == 1 || end == 2) {
      std::vector<HolderIndex> in_tier;
      for (HolderIndex h = 0; h < n; ++h) {
        if (t.split[h] != 0) in_tier.push_back(h);
      }
      TierUntil u;
      u.holder = in_tier[index_below(rng, in_tier.size())];
      u.received = random_amount(rng, 400);
      // Enough profit to take any holder from 0 to the target at its smallest share.
      scale += u.received / t.split[u.holder];
      t.until = u;
    }
    spec.tiers.push_back(t);
  }
  c.scale = 2 * scale;
  c.text = describe(spec);
  return c;
}

// A random profit in [0, scale]: whole dollars, cents, or an arbitrary fraction.
Rational random_profit(Rng& rng, const Rational& scale) {
  const long long kSteps = 1000000;
  const long long kind = uniform(rng, 0, 3);
  if (kind == 0) return Rational(uniform(rng, 0, 97), 7);  // small amounts, inside tier 1
  const Rational p = scale * Rational(uniform(rng, 0, kSteps), kSteps);
  if (kind == 1) return Rational(capflow::round_to_cents(p)) / 100;
  if (kind == 2) return Rational(capflow::round_to_cents(p / 100));  // whole dollars
  return p;
}

Rational sum(const Amounts& v) {
  Rational s = 0;
  for (const auto& x : v) s += x;
  return s;
}

void require_same(const Amounts& got, const Amounts& want) {
  REQUIRE(got.size() == want.size());
  for (std::size_t h = 0; h < got.size(); ++h) {
    CAPTURE(h);
    REQUIRE(got[h] == want[h]);
  }
}

Amounts spec_caps(const WaterfallSpec& spec) {
  Amounts caps;
  for (const Holder& h : spec.holders) caps.push_back(h.cap.value_or(Rational(0)));
  return caps;
}

// SPEC §2 taken literally, written apart from the engine to check its results: find the
// tier the next dollar enters, the share of each holder in it, and how far those shares
// hold (the next tier end or cap); move that far; repeat.
class Reference {
 public:
  explicit Reference(const WaterfallSpec& spec)
      : spec_(spec), caps_(spec_caps(spec)), received_(spec.holders.size(), Rational(0)) {}

  void set_caps(const Amounts& caps) { caps_ = caps; }
  const Amounts& received() const { return received_; }

  void distribute(Rational amount) {
    while (amount > 0) {
      move_past_ended_tiers();
      const Amounts shares = current_shares();
      Rational step = amount;
      auto at_most = [&](const Rational& v) { step = std::min(step, v); };
      if (tier_ < spec_.tiers.size()) {
        const Tier& t = spec_.tiers[tier_];
        if (t.size) at_most(*t.size - used_);
        if (t.until && shares[t.until->holder] > 0) {
          at_most((until_target(t) - received_[t.until->holder]) / shares[t.until->holder]);
        }
      }
      for (HolderIndex h = 0; h < shares.size(); ++h) {
        if (capped(h) && shares[h] > 0) at_most((caps_[h] - received_[h]) / shares[h]);
      }
      REQUIRE(step > 0);
      for (HolderIndex h = 0; h < shares.size(); ++h) received_[h] += shares[h] * step;
      used_ += step;
      amount -= step;
    }
    move_past_ended_tiers();
  }

 private:
  bool capped(HolderIndex h) const { return spec_.holders[h].cap.has_value(); }
  bool at_cap(HolderIndex h) const { return capped(h) && received_[h] >= caps_[h]; }

  Rational until_target(const Tier& t) const {
    const HolderIndex h = t.until->holder;
    return capped(h) ? std::min(t.until->received, caps_[h]) : t.until->received;
  }

  void move_past_ended_tiers() {
    while (tier_ < spec_.tiers.size()) {
      const Tier& t = spec_.tiers[tier_];
      const bool by_size = t.size && used_ >= *t.size;
      const bool by_until = t.until && received_[t.until->holder] >= until_target(t);
      if (!by_size && !by_until) return;
      ++tier_;
      used_ = 0;
    }
  }

  Amounts current_shares() const {
    const std::size_t n = spec_.holders.size();
    Amounts shares(n, Rational(0));
    if (tier_ == spec_.tiers.size()) {
      shares[spec_.residual] = 1;
      return shares;
    }
    const Tier& t = spec_.tiers[tier_];
    Rational blocked = 0;
    Rational open = 0;
    for (HolderIndex h = 0; h < n; ++h) {
      if (at_cap(h)) {
        blocked += t.split[h];
      } else {
        shares[h] = t.split[h];
        open += t.split[h];
      }
    }
    if (blocked == 0) return shares;
    if (spec_.overflow == CapOverflow::pro_rata && open > 0) {
      for (HolderIndex h = 0; h < n; ++h) shares[h] += blocked * shares[h] / open;
    } else {
      shares[spec_.residual] += blocked;
    }
    return shares;
  }

  const WaterfallSpec& spec_;
  Amounts caps_;
  Amounts received_;
  std::size_t tier_ = 0;
  Rational used_ = 0;
};

// Profits to check a case at: random ones, every breakpoint, and points just around them.
std::vector<Rational> probe_profits(Rng& rng, const RandomCase& c,
                                    const capflow::BreakpointTable& table, int random_count) {
  std::vector<Rational> out{Rational(0)};
  for (int i = 0; i < random_count; ++i) out.push_back(random_profit(rng, c.scale));
  for (const auto& b : table.points) {
    out.push_back(b.profit);
    out.push_back(b.profit + Rational(1, 1000));
    if (b.profit > Rational(1, 1000)) out.push_back(b.profit - Rational(1, 1000));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

TEST_CASE("property: money is conserved, exactly and to the cent") {
  for (long long k = 0; k < case_count(); ++k) {
    const RandomCase c = make_case(base_seed() + static_cast<std::uint64_t>(k));
    CAPTURE(c.seed);
    INFO(c.text);
    Rng rng(c.seed + 1);
    const Terms terms = Terms::from(c.spec);
    const auto table = capflow::breakpoints(terms);
    for (const Rational& p : probe_profits(rng, c, table, 12)) {
      CAPTURE(p);
      const Amounts got = capflow::allocate(terms, p);
      REQUIRE(sum(got) == p);
      const std::vector<Integer> cents = capflow::allocate_cents(got);
      Integer cents_total = 0;
      for (std::size_t h = 0; h < got.size(); ++h) {
        CAPTURE(h);
        REQUIRE(got[h] >= 0);
        // Each holder's cents are its exact amount rounded down or up, never further.
        const Rational off = Rational(cents[h]) - got[h] * 100;
        REQUIRE(off > -1);
        REQUIRE(off < 1);
        cents_total += cents[h];
      }
      REQUIRE(cents_total == capflow::round_to_cents(p));
    }
  }
}

TEST_CASE("property: receipts are monotone in profit and caps are never exceeded") {
  for (long long k = 0; k < case_count(); ++k) {
    const RandomCase c = make_case(base_seed() + static_cast<std::uint64_t>(k));
    CAPTURE(c.seed);
    INFO(c.text);
    Rng rng(c.seed + 2);
    const Terms terms = Terms::from(c.spec);
    const auto table = capflow::breakpoints(terms);
    Amounts previous(c.spec.holders.size(), Rational(0));
    Rational previous_profit = 0;
    for (const Rational& p : probe_profits(rng, c, table, 20)) {
      CAPTURE(previous_profit);
      CAPTURE(p);
      const Amounts got = capflow::allocate(terms, p);
      for (std::size_t h = 0; h < got.size(); ++h) {
        CAPTURE(h);
        REQUIRE(got[h] >= previous[h]);
        if (c.spec.holders[h].cap) REQUIRE(got[h] <= *c.spec.holders[h].cap);
      }
      previous = got;
      previous_profit = p;
    }
  }
}

TEST_CASE("property: distributing in pieces equals distributing the sum (fixed caps)") {
  for (long long k = 0; k < case_count(); ++k) {
    const RandomCase c = make_case(base_seed() + static_cast<std::uint64_t>(k));
    CAPTURE(c.seed);
    INFO(c.text);
    Rng rng(c.seed + 3);
    const Terms terms = Terms::from(c.spec);
    const auto table = capflow::breakpoints(terms);
    Engine w(terms);
    for (int trial = 0; trial < 6; ++trial) {
      // Two random pieces, then several, some ending exactly on a breakpoint.
      std::vector<Rational> pieces;
      const int count = trial < 3 ? 2 : static_cast<int>(uniform(rng, 3, 8));
      for (int i = 0; i < count; ++i) pieces.push_back(random_profit(rng, c.scale / count));
      if (trial % 2 == 1 && !table.points.empty()) {
        const Rational& b = table.points[index_below(rng, table.points.size())].profit;
        pieces.front() = b;
      }
      w.reset();
      Rational total = 0;
      for (const Rational& x : pieces) {
        w.distribute(x);
        total += x;
      }
      CAPTURE(trial);
      CAPTURE(total);
      REQUIRE(w.distributed() == total);
      require_same(w.received(), capflow::allocate(terms, total));
    }
  }
}

TEST_CASE("property: the double engine agrees with the exact engine") {
  for (long long k = 0; k < case_count(); ++k) {
    const RandomCase c = make_case(base_seed() + static_cast<std::uint64_t>(k));
    CAPTURE(c.seed);
    INFO(c.text);
    Rng rng(c.seed + 4);
    const Terms exact = Terms::from(c.spec);
    const FastTerms fast = FastTerms::from(c.spec);
    const auto table = capflow::breakpoints(exact);
    FastEngine reused(fast);  // as Monte Carlo uses it: reset + distribute
    for (const Rational& p : probe_profits(rng, c, table, 12)) {
      CAPTURE(p);
      const Amounts e = capflow::allocate(exact, p);
      const double dp = capflow::to_double(p);
      const std::vector<double> d = capflow::allocate(fast, dp);
      reused.reset();
      reused.distribute(dp);
      const double tolerance = 1e-9 * dp;
      for (std::size_t h = 0; h < e.size(); ++h) {
        CAPTURE(h);
        const double want = capflow::to_double(e[h]);
        CAPTURE(want);
        CAPTURE(d[h]);
        REQUIRE(std::abs(d[h] - want) <= tolerance);
        REQUIRE(reused.received()[h] == d[h]);
        if (exact.has_cap[h]) REQUIRE(d[h] <= fast.cap[h]);
      }
    }
    // Past every breakpoint, a holder the exact engine holds at its cap is at exactly its
    // cap in double too, not a rounding error below it (which would let it keep drawing).
    const Rational beyond =
        (table.points.empty() ? Rational(0) : table.points.back().profit) + c.scale;
    CAPTURE(beyond);
    const Amounts e = capflow::allocate(exact, beyond);
    FastEngine w(fast);
    w.distribute(capflow::to_double(beyond));
    for (std::size_t h = 0; h < e.size(); ++h) {
      CAPTURE(h);
      if (exact.has_cap[h] && e[h] == exact.cap[h]) {
        REQUIRE(w.received()[h] == fast.cap[h]);
        REQUIRE(w.at_cap(h));
      }
    }
  }
}

TEST_CASE("property: allocations are linear between breakpoints with the marginal shares") {
  for (long long k = 0; k < case_count(); ++k) {
    const RandomCase c = make_case(base_seed() + static_cast<std::uint64_t>(k));
    CAPTURE(c.seed);
    INFO(c.text);
    Rng rng(c.seed + 5);
    const Terms terms = Terms::from(c.spec);
    const auto table = capflow::breakpoints(terms);
    const std::size_t n = c.spec.holders.size();
    // Each corner ends a tier or caps a holder, at most once each.
    REQUIRE(table.points.size() <= c.spec.tiers.size() + n);

    // Corners: (0, nothing, initial shares), then every breakpoint.
    struct Corner {
      Rational profit;
      Amounts received;
      Amounts marginal;
    };
    std::vector<Corner> corners{{Rational(0), Amounts(n, Rational(0)), table.initial_marginal}};
    for (const auto& b : table.points) corners.push_back({b.profit, b.received, b.marginal});
    for (std::size_t i = 0; i < corners.size(); ++i) {
      const Corner& a = corners[i];
      CAPTURE(i);
      CAPTURE(a.profit);
      REQUIRE(a.marginal.size() == n);
      REQUIRE(sum(a.marginal) == 1);
      for (const Rational& m : a.marginal) REQUIRE(m >= 0);
      require_same(capflow::allocate(terms, a.profit), a.received);
      require_same(capflow::allocation_from_breakpoints(table, a.profit), a.received);
      if (i > 0) {
        REQUIRE(a.profit > corners[i - 1].profit);
        REQUIRE(a.marginal != corners[i - 1].marginal);  // only real changes of shares
      }
      // To the next corner (or well past the last one), the allocation moves in a
      // straight line with the marginal shares.
      const Rational end = i + 1 < corners.size() ? corners[i + 1].profit : a.profit + c.scale;
      for (int t = 0; t < 3; ++t) {
        const Rational frac = t == 0 ? Rational(1) : Rational(uniform(rng, 1, 999), 1000);
        const Rational p = a.profit + (end - a.profit) * frac;
        CAPTURE(p);
        Amounts line = a.received;
        for (std::size_t h = 0; h < n; ++h) line[h] += a.marginal[h] * (p - a.profit);
        require_same(capflow::allocate(terms, p), line);
        require_same(capflow::allocation_from_breakpoints(table, p), line);
      }
    }
    // The engine's own view of the next segment agrees at each corner.
    Engine w(terms);
    Amounts marginal;
    for (const Corner& a : corners) {
      w.reset();
      w.distribute(a.profit);
      (void)w.next_segment(marginal);
      require_same(marginal, a.marginal);
    }
  }
}

TEST_CASE("property: the engine agrees with a literal reading of the rules") {
  for (long long k = 0; k < case_count(); ++k) {
    const RandomCase c = make_case(base_seed() + static_cast<std::uint64_t>(k));
    CAPTURE(c.seed);
    INFO(c.text);
    Rng rng(c.seed + 6);
    const Terms terms = Terms::from(c.spec);
    const auto table = capflow::breakpoints(terms);
    for (const Rational& p : probe_profits(rng, c, table, 8)) {
      CAPTURE(p);
      Reference ref(c.spec);
      ref.distribute(p);
      require_same(capflow::allocate(terms, p), ref.received());
    }
  }
}

TEST_CASE("property: with caps changing every year, nothing is taken back, caps hold") {
  // Caps change between yearly distributions: mostly grow (0 to +50%), sometimes shrink
  // (-25%). What was paid stays paid; a holder above its new cap gets nothing more; no
  // one ends a year above the cap in force. The exact engine matches the literal reading,
  // and the double engine the exact one.
  static constexpr long long kFactors[][2] = {{1, 1}, {11, 10}, {6, 5}, {6, 5}, {3, 2}, {3, 4}};
  for (long long k = 0; k < case_count(); ++k) {
    const RandomCase c = make_case(base_seed() + static_cast<std::uint64_t>(k));
    CAPTURE(c.seed);
    INFO(c.text);
    Rng rng(c.seed + 7);
    const Terms terms = Terms::from(c.spec);
    const FastTerms fast_terms = FastTerms::from(c.spec);
    const std::size_t n = c.spec.holders.size();
    Engine w(terms);
    FastEngine fast(fast_terms);
    Reference ref(c.spec);
    Amounts caps = terms.cap;
    const int years = static_cast<int>(uniform(rng, 2, 8));
    Rational total = 0;
    for (int year = 0; year < years; ++year) {
      CAPTURE(year);
      if (year > 0) {
        const auto& f = kFactors[index_below(rng, std::size(kFactors))];
        for (Rational& cap : caps) cap = cap * f[0] / f[1];
        w.set_caps(caps);
        ref.set_caps(caps);
        std::vector<double> fast_caps;
        for (const Rational& cap : caps) fast_caps.push_back(capflow::to_double(cap));
        fast.set_caps(fast_caps);
      }
      const Amounts before = w.received();
      const Rational amount = random_profit(rng, c.scale / years);
      CAPTURE(amount);
      w.distribute(amount);
      ref.distribute(amount);
      fast.distribute(capflow::to_double(amount));
      total += amount;
      REQUIRE(sum(w.received()) == total);
      for (std::size_t h = 0; h < n; ++h) {
        CAPTURE(h);
        REQUIRE(w.received()[h] >= before[h]);
        if (terms.has_cap[h]) {
          if (before[h] >= caps[h]) {
            REQUIRE(w.received()[h] == before[h]);
          } else {
            REQUIRE(w.received()[h] <= caps[h]);
          }
        }
        const double want = capflow::to_double(w.received()[h]);
        REQUIRE(std::abs(fast.received()[h] - want) <= 1e-9 * capflow::to_double(total));
      }
      require_same(w.received(), ref.received());
    }
  }
}

TEST_CASE("property: --solve inverts the allocation exactly (round trip through --profit)") {
  for (long long k = 0; k < case_count(); ++k) {
    const RandomCase c = make_case(base_seed() + static_cast<std::uint64_t>(k));
    CAPTURE(c.seed);
    INFO(c.text);
    Rng rng(c.seed + 11);
    const Terms terms = Terms::from(c.spec);
    const auto table = capflow::breakpoints(terms);
    const std::size_t n = c.spec.holders.size();
    // Past the last corner every holder's share is fixed: a holder that gets nothing
    // more there has its final receipts already.
    const Rational past = table.points.empty() ? Rational(0) : table.points.back().profit;
    const Rational far = past + c.scale;
    for (int t = 0; t < 8; ++t) {
      // A target some holder reaches: its receipts at a random profit (so flat stretches
      // and corners are hit too), or now and then an amount beyond anything it receives.
      const HolderIndex h = index_below(rng, n);
      const Rational probe = random_profit(rng, c.scale);
      Rational amount = capflow::allocate(terms, probe)[h];
      const bool beyond = uniform(rng, 0, 4) == 0;
      if (beyond) amount = capflow::allocate(terms, far)[h] + random_amount(rng, 50);
      CAPTURE(h);
      CAPTURE(amount);
      const capflow::SolveResult r = capflow::solve_profit(table, h, amount);
      if (beyond && c.spec.holders[h].cap) {
        // Capped (or its share ends): never reached, and the ceiling is what it ends with.
        REQUIRE_FALSE(r.profit.has_value());
        REQUIRE(r.ceiling.has_value());
        REQUIRE(*r.ceiling < amount);
        REQUIRE(capflow::allocate(terms, past)[h] == *r.ceiling);
        continue;
      }
      if (!r.profit) {
        // Only a holder whose receipts stop growing can miss an amount.
        REQUIRE(r.ceiling.has_value());
        REQUIRE(*r.ceiling < amount);
        REQUIRE(capflow::allocate(terms, past)[h] == *r.ceiling);
        continue;
      }
      const Rational p = *r.profit;
      CAPTURE(p);
      REQUIRE(p >= 0);
      // At the solved profit the holder has exactly the amount ...
      REQUIRE(capflow::allocate(terms, p)[h] == amount);
      // ... and it is the smallest such profit: any less and the holder has less.
      if (amount > 0) {
        REQUIRE(p > 0);
        REQUIRE(capflow::allocate(terms, Rational(p * Rational(999999, 1000000)))[h] < amount);
      } else {
        REQUIRE(p == 0);
      }
      // Never later than the probe that produced the amount.
      if (!beyond) REQUIRE(p <= probe);
    }
  }
}
