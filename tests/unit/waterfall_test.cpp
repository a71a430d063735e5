// The waterfall engine rule by rule (SPEC §2), on small hand-built specs whose expected
// allocations are worked out by hand in each test. The random invariants are in
// tests/property/waterfall_properties_test.cpp.

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "capflow/io/json_document.hpp"
#include "capflow/io/json_reader.hpp"
#include "capflow/terms/scenario.hpp"
#include "capflow/waterfall/breakpoints.hpp"
#include "capflow/waterfall/rounding.hpp"
#include "capflow/waterfall/waterfall.hpp"

using capflow::allocate;
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
using Engine = capflow::Waterfall<Rational>;
using Amounts = std::vector<Rational>;

namespace {

Rational q(long long num, long long den = 1) {
  return Rational(num, den);
}

Holder holder(const char* id, std::optional<Money> cap = std::nullopt) {
  Holder h;
  h.id = id;
  h.name = id;
  h.cap = std::move(cap);
  return h;
}

Holder residual(const char* id) {
  Holder h = holder(id);
  h.residual = true;
  return h;
}

Tier tier(std::vector<Share> split, std::optional<Money> size = std::nullopt,
          std::optional<TierUntil> until = std::nullopt) {
  Tier t;
  t.split = std::move(split);
  t.size = std::move(size);
  t.until = std::move(until);
  return t;
}

TierUntil until(HolderIndex h, Money received) {
  return TierUntil{h, std::move(received)};
}

WaterfallSpec make_spec(std::vector<Holder> holders, std::vector<Tier> tiers,
                        CapOverflow overflow = CapOverflow::residual) {
  WaterfallSpec spec;
  spec.holders = std::move(holders);
  spec.tiers = std::move(tiers);
  spec.overflow = overflow;
  for (HolderIndex h = 0; h < spec.holders.size(); ++h) {
    if (spec.holders[h].residual) spec.residual = h;
  }
  return spec;
}

// Every holder's receipts, compared one by one so that a failure names the holder.
void check_amounts(const Amounts& got, const Amounts& want) {
  REQUIRE(got.size() == want.size());
  for (std::size_t h = 0; h < got.size(); ++h) {
    CAPTURE(h);
    CHECK(got[h] == want[h]);
  }
}

Amounts at(const Terms& terms, const Rational& profit) {
  return allocate(terms, profit);
}

Rational sum(const Amounts& v) {
  Rational s = 0;
  for (const auto& x : v) s += x;
  return s;
}

// Holders A, B, C, R (residual) in that order, for most tests below.
constexpr HolderIndex kA = 0, kB = 1, kC = 2, kR = 3;

}  // namespace

TEST_CASE("tier ends by size: the next dollar enters the next tier") {
  // Tier 1: the first 100 all to A. Tier 2: B and R half each, forever.
  auto spec =
      make_spec({holder("a"), holder("b"), holder("c"), residual("r")},
                {tier({q(1), q(0), q(0), q(0)}, q(100)), tier({q(0), q(1, 2), q(0), q(1, 2)})});
  const Terms terms = Terms::from(spec);
  check_amounts(at(terms, q(60)), {q(60), q(0), q(0), q(0)});
  check_amounts(at(terms, q(100)), {q(100), q(0), q(0), q(0)});
  check_amounts(at(terms, q(150)), {q(100), q(25), q(0), q(25)});
  check_amounts(at(terms, q(1001, 10)), {q(100), q(1, 20), q(0), q(1, 20)});

  Engine w(terms);
  w.distribute(q(60));
  CHECK(w.current_tier() == 0);
  w.distribute(q(90));
  CHECK(w.current_tier() == 1);
}

TEST_CASE("tier ends by until: the holder's receipts over all tiers reach the amount") {
  // Tier 1: first 100 to A. Tier 2: A 1/4, B 3/4 until A has received 200 in all, which
  // takes (200 - 100) / (1/4) = 400 more profit: the tier ends at profit 500 with B at 300.
  // Tier 3: everything to C.
  auto spec = make_spec({holder("a"), holder("b"), holder("c"), residual("r")},
                        {tier({q(1), q(0), q(0), q(0)}, q(100)),
                         tier({q(1, 4), q(3, 4), q(0), q(0)}, std::nullopt, until(kA, q(200))),
                         tier({q(0), q(0), q(1), q(0)})});
  const Terms terms = Terms::from(spec);
  check_amounts(at(terms, q(300)), {q(150), q(150), q(0), q(0)});
  check_amounts(at(terms, q(500)), {q(200), q(300), q(0), q(0)});
  check_amounts(at(terms, q(600)), {q(200), q(300), q(100), q(0)});
}

TEST_CASE("tier ends by until: already reached on entry, the tier is skipped") {
  // A gets 100 in tier 1, more than the 50 that ends tier 2, so tier 2 takes nothing.
  auto spec = make_spec({holder("a"), holder("b"), holder("c"), residual("r")},
                        {tier({q(1), q(0), q(0), q(0)}, q(100)),
                         tier({q(1, 2), q(1, 2), q(0), q(0)}, std::nullopt, until(kA, q(50))),
                         tier({q(0), q(0), q(1), q(0)})});
  const Terms terms = Terms::from(spec);
  check_amounts(at(terms, q(130)), {q(100), q(0), q(30), q(0)});
}

TEST_CASE("tier ends by until: the target is lowered to the holder's cap") {
  // As above, but A is capped at 150 < 200: tier 2 ends when A reaches 150, after
  // (150 - 100) / (1/4) = 200 more profit, at 300 (B then has 150). Had the tier not ended,
  // A's share would overflow to R and B would keep taking 3/4; instead C takes everything.
  auto spec = make_spec({holder("a", q(150)), holder("b"), holder("c"), residual("r")},
                        {tier({q(1), q(0), q(0), q(0)}, q(100)),
                         tier({q(1, 4), q(3, 4), q(0), q(0)}, std::nullopt, until(kA, q(200))),
                         tier({q(0), q(0), q(1), q(0)})});
  const Terms terms = Terms::from(spec);
  check_amounts(at(terms, q(300)), {q(150), q(150), q(0), q(0)});
  check_amounts(at(terms, q(400)), {q(150), q(150), q(100), q(0)});
}

TEST_CASE("tier ends by size or until, whichever comes first") {
  // Tier 1: A and B half each, size 100, until B has 30: B reaches 30 at profit 60.
  auto spec = make_spec({holder("a"), holder("b"), holder("c"), residual("r")},
                        {tier({q(1, 2), q(1, 2), q(0), q(0)}, q(100), until(kB, q(30))),
                         tier({q(0), q(0), q(1), q(0)})});
  check_amounts(at(Terms::from(spec), q(80)), {q(30), q(30), q(20), q(0)});
  // With until B at 80 the size ends it first, at 100 (B at 50).
  spec.tiers[0].until = until(kB, q(80));
  check_amounts(at(Terms::from(spec), q(120)), {q(50), q(50), q(20), q(0)});
}

TEST_CASE("a last tier with neither size nor until never ends") {
  auto spec =
      make_spec({holder("a"), holder("b"), holder("c"), residual("r")},
                {tier({q(0), q(0), q(1), q(0)}, q(10)), tier({q(1, 2), q(1, 2), q(0), q(0)})});
  const Terms terms = Terms::from(spec);
  const Rational huge("1000000000000000000");  // $10^18, the largest money accepted
  check_amounts(at(terms, huge + 10), {huge / 2, huge / 2, q(10), q(0)});
  Engine w(terms);
  w.distribute(huge);
  CHECK(w.current_tier() == 1);
  CHECK(w.last_tier() == std::optional<std::size_t>(1));
}

TEST_CASE("after the last tier, everything goes to the residual holder") {
  // Both tiers end by size (30 + 20); from profit 50 on, R takes every dollar.
  auto spec = make_spec(
      {holder("a"), holder("b"), holder("c"), residual("r")},
      {tier({q(1), q(0), q(0), q(0)}, q(30)), tier({q(0), q(1, 2), q(0), q(1, 2)}, q(20))});
  const Terms terms = Terms::from(spec);
  check_amounts(at(terms, q(50)), {q(30), q(10), q(0), q(10)});
  check_amounts(at(terms, q(75)), {q(30), q(10), q(0), q(35)});
  Engine w(terms);
  w.distribute(q(75));
  CHECK(w.current_tier() == 2);
  CHECK(w.last_tier() == std::optional<std::size_t>(2));
  // A last tier that ends by until: past it, the residual holder again.
  spec.tiers = {tier({q(1, 2), q(1, 2), q(0), q(0)}, std::nullopt, until(kA, q(5)))};
  check_amounts(at(Terms::from(spec), q(25)), {q(5), q(5), q(0), q(15)});
}

TEST_CASE("absolute cap: the holder stops at it, its share overflows to the residual") {
  // A and B half each; A capped at 30, reached at profit 60. Beyond, A's half goes to R.
  auto spec = make_spec({holder("a", q(30)), holder("b"), holder("c"), residual("r")},
                        {tier({q(1, 2), q(1, 2), q(0), q(0)})});
  const Terms terms = Terms::from(spec);
  check_amounts(at(terms, q(60)), {q(30), q(30), q(0), q(0)});
  check_amounts(at(terms, q(100)), {q(30), q(50), q(0), q(20)});
  // A cap of 0 binds from the first dollar.
  spec.holders[kA].cap = q(0);
  check_amounts(at(Terms::from(spec), q(10)), {q(0), q(5), q(0), q(5)});
}

TEST_CASE("cap as a multiple of the invested amount (read from JSON)") {
  // 2.5 x 40 invested = a cap of 100, reached at profit 200.
  const char* holders =
      R"({"a": {"invested": "40", "cap": {"multiple": "2.5"}}, "b": {}, "r": {"residual": true}})";
  const char* waterfall = R"({"tiers": [{"split": {"a": "50%", "b": "50%"}}]})";
  capflow::Diagnostics diagnostics;
  capflow::JsonNode h = capflow::parse_json(holders, "holders.json", diagnostics);
  capflow::JsonNode wf = capflow::parse_json(waterfall, "waterfall.json", diagnostics);
  capflow::JsonReader reader(diagnostics);
  auto spec = capflow::read_waterfall_spec(h, wf, reader);
  REQUIRE(diagnostics.empty());
  REQUIRE(spec.has_value());
  CHECK(spec->holders[0].cap == std::optional<Money>(q(100)));
  CHECK(spec->holders[0].cap_multiple == std::optional<Rational>(q(5, 2)));
  const Terms terms = Terms::from(*spec);
  CHECK(at(terms, q(200)) == Amounts{q(100), q(100), q(0)});
  CHECK(at(terms, q(300)) == Amounts{q(100), q(150), q(50)});
}

TEST_CASE("cap_overflow pro_rata: a capped holder's share goes to the tier's other holders") {
  // A 1/2, B 1/4, C 1/4; A capped at 30, reached at profit 60 (B and C at 15 each).
  // residual: the next 40 splits B 10, C 10, R 20.
  // pro_rata: B and C share it in proportion 1/4 : 1/4, 20 each; R gets nothing.
  auto spec = make_spec({holder("a", q(30)), holder("b"), holder("c"), residual("r")},
                        {tier({q(1, 2), q(1, 4), q(1, 4), q(0)})});
  check_amounts(at(Terms::from(spec), q(100)), {q(30), q(25), q(25), q(20)});
  spec.overflow = CapOverflow::pro_rata;
  check_amounts(at(Terms::from(spec), q(100)), {q(30), q(35), q(35), q(0)});
  // Unequal shares: A 1/2, B 1/3, C 1/6 -> after A's cap, B 2/3 and C 1/3.
  spec.tiers[0].split = {q(1, 2), q(1, 3), q(1, 6), q(0)};
  check_amounts(at(Terms::from(spec), q(90)), {q(30), q(20 + 20), q(10 + 10), q(0)});
}

TEST_CASE("cap_overflow pro_rata: with no holder of the tier below its cap, to the residual") {
  // A 1/2 capped at 30, B 1/2 capped at 40. At profit 60 A is capped (A 30, B 30); B then
  // takes every dollar (pro rata among the one holder left) and is capped at 70; beyond,
  // nobody in the tier is left and R takes the rest.
  auto spec = make_spec({holder("a", q(30)), holder("b", q(40)), holder("c"), residual("r")},
                        {tier({q(1, 2), q(1, 2), q(0), q(0)})}, CapOverflow::pro_rata);
  const Terms terms = Terms::from(spec);
  check_amounts(at(terms, q(65)), {q(30), q(35), q(0), q(0)});
  check_amounts(at(terms, q(70)), {q(30), q(40), q(0), q(0)});
  check_amounts(at(terms, q(100)), {q(30), q(40), q(0), q(30)});
}

TEST_CASE("cap_overflow pro_rata: the residual holder in the tier shares the overflow") {
  // A 1/2 capped at 10, C 1/4, R 1/4: after profit 20, C and R take half each.
  auto spec = make_spec({holder("a", q(10)), holder("b"), holder("c"), residual("r")},
                        {tier({q(1, 2), q(0), q(1, 4), q(1, 4)})}, CapOverflow::pro_rata);
  check_amounts(at(Terms::from(spec), q(40)), {q(10), q(0), q(15), q(15)});
}

TEST_CASE("the waterfall is stateful: distributing 10 then 20 equals distributing 30") {
  // Tier 1: A all, size 12. Tier 2: A 1/2 (cap 20), B 1/2, size 30. Then R.
  // 30 crosses the end of tier 1 (12) and A's cap (12 + 2*8 = 28).
  auto spec = make_spec(
      {holder("a", q(20)), holder("b"), holder("c"), residual("r")},
      {tier({q(1), q(0), q(0), q(0)}, q(12)), tier({q(1, 2), q(1, 2), q(0), q(0)}, q(30))});
  const Terms terms = Terms::from(spec);
  const Amounts whole = at(terms, q(30));
  check_amounts(whole, {q(20), q(9), q(0), q(1)});
  Engine w(terms);
  w.distribute(q(10));
  check_amounts(w.received(), {q(10), q(0), q(0), q(0)});
  w.distribute(q(20));
  check_amounts(w.received(), whole);
  CHECK(w.distributed() == q(30));
  // Split at every boundary and in between.
  Engine pieces(terms);
  for (int i = 0; i < 60; ++i) pieces.distribute(q(1, 2));
  check_amounts(pieces.received(), whole);
}

TEST_CASE("set_caps: a raised cap lets the holder resume") {
  auto spec = make_spec({holder("a", q(30)), holder("b"), holder("c"), residual("r")},
                        {tier({q(1, 2), q(1, 2), q(0), q(0)})});
  const Terms terms = Terms::from(spec);
  Engine w(terms);
  w.distribute(q(100));
  check_amounts(w.received(), {q(30), q(50), q(0), q(20)});
  CHECK(w.at_cap(kA));
  const Amounts raised{q(50), q(0), q(0), q(0)};
  w.set_caps(raised);
  CHECK_FALSE(w.at_cap(kA));
  CHECK(w.caps() == raised);
  // A takes its half again until 50 (40 more profit), then R again.
  w.distribute(q(40));
  check_amounts(w.received(), {q(50), q(70), q(0), q(20)});
  w.distribute(q(10));
  check_amounts(w.received(), {q(50), q(75), q(0), q(25)});
  // reset() restores the caps of the terms.
  w.reset();
  CHECK(w.caps() == terms.cap);
  CHECK(w.distributed() == q(0));
  w.distribute(q(100));
  check_amounts(w.received(), {q(30), q(50), q(0), q(20)});
}

TEST_CASE("set_caps: a cap lowered below what was received takes nothing back") {
  auto spec = make_spec({holder("a", q(30)), holder("b"), holder("c"), residual("r")},
                        {tier({q(1, 2), q(1, 2), q(0), q(0)})});
  const Terms terms = Terms::from(spec);
  Engine w(terms);
  w.distribute(q(50));
  check_amounts(w.received(), {q(25), q(25), q(0), q(0)});
  w.set_caps(Amounts{q(10), q(0), q(0), q(0)});
  CHECK(w.at_cap(kA));
  w.distribute(q(40));
  check_amounts(w.received(), {q(25), q(45), q(0), q(20)});
  // Wrong number of caps is a programming error.
  CHECK_THROWS_AS(w.set_caps(Amounts{q(1)}), std::logic_error);
}

TEST_CASE("last_tier: where the last positive amount landed") {
  auto spec =
      make_spec({holder("a"), holder("b"), holder("c"), residual("r")},
                {tier({q(1), q(0), q(0), q(0)}, q(10)), tier({q(0), q(1), q(0), q(0)}, q(10))});
  const Terms terms = Terms::from(spec);
  Engine w(terms);
  CHECK_FALSE(w.last_tier().has_value());
  w.distribute(q(0));
  CHECK_FALSE(w.last_tier().has_value());
  w.distribute(q(5));
  CHECK(w.last_tier() == std::optional<std::size_t>(0));
  w.distribute(q(10));  // to 15: tier 2
  CHECK(w.last_tier() == std::optional<std::size_t>(1));
  w.distribute(q(0));
  CHECK(w.last_tier() == std::optional<std::size_t>(1));
  w.distribute(q(6));  // to 21: past the last tier, to the residual
  CHECK(w.last_tier() == std::optional<std::size_t>(2));
  w.reset();
  CHECK_FALSE(w.last_tier().has_value());
  CHECK(w.current_tier() == 0);
}

TEST_CASE("current_tier after a tier is filled exactly is the tier the next dollar enters") {
  // Regression: distribute() stopped at the exact end of a tier without moving on, so
  // current_tier() still named the finished tier until the next distribute().
  auto spec = make_spec({holder("a"), holder("b"), holder("c"), residual("r")},
                        {tier({q(1), q(0), q(0), q(0)}, q(10)),
                         tier({q(0), q(1), q(0), q(0)}, std::nullopt, until(kB, q(10))),
                         tier({q(0), q(0), q(1), q(0)})});
  const Terms terms = Terms::from(spec);
  Engine w(terms);
  w.distribute(q(10));
  CHECK(w.last_tier() == std::optional<std::size_t>(0));
  CHECK(w.current_tier() == 1);
  w.distribute(q(10));
  CHECK(w.last_tier() == std::optional<std::size_t>(1));
  CHECK(w.current_tier() == 2);
}

TEST_CASE("an until tier ended by the holder's cap stays ended when the cap is raised") {
  // Tier 1: A 1/2 (cap 10), B 1/2, until A has 40: the cap lowers the target to 10, so
  // the tier ends at profit 20. Tier 2: all to C. The cap is then raised to 100.
  // Regression: when a distribution stopped exactly at profit 20, the tier was not yet
  // marked as ended, and after the raise it resumed (A and B took more), whereas stopping
  // one dollar later gave the tier-2 result: the outcome depended on where the year ended.
  auto spec = make_spec({holder("a", q(10)), holder("b"), holder("c"), residual("r")},
                        {tier({q(1, 2), q(1, 2), q(0), q(0)}, std::nullopt, until(kA, q(40))),
                         tier({q(0), q(0), q(1), q(0)})});
  const Terms terms = Terms::from(spec);
  const Amounts raised{q(100), q(0), q(0), q(0)};
  Engine exact_end(terms);
  exact_end.distribute(q(20));
  exact_end.set_caps(raised);
  exact_end.distribute(q(10));
  Engine past_end(terms);
  past_end.distribute(q(21));
  past_end.set_caps(raised);
  past_end.distribute(q(9));
  check_amounts(past_end.received(), {q(10), q(10), q(10), q(0)});
  check_amounts(exact_end.received(), past_end.received());
}

TEST_CASE("at_cap: only capped holders, from the moment they reach it") {
  auto spec = make_spec({holder("a", q(30)), holder("b"), holder("c", q(0)), residual("r")},
                        {tier({q(1, 2), q(1, 2), q(0), q(0)})});
  const Terms terms = Terms::from(spec);
  Engine w(terms);
  CHECK_FALSE(w.at_cap(kA));
  CHECK(w.at_cap(kC));  // a cap of 0 is reached before any profit
  w.distribute(q(59));
  CHECK_FALSE(w.at_cap(kA));
  w.distribute(q(1));
  CHECK(w.received()[kA] == q(30));
  CHECK(w.at_cap(kA));
  w.distribute(q(1000));
  CHECK_FALSE(w.at_cap(kB));
  CHECK_FALSE(w.at_cap(kR));
}

TEST_CASE("distributing 0 changes nothing; a negative amount is rejected") {
  auto spec =
      make_spec({holder("a", q(30)), holder("b"), holder("c"), residual("r")},
                {tier({q(1), q(0), q(0), q(0)}, q(10)), tier({q(1, 2), q(1, 2), q(0), q(0)})});
  const Terms terms = Terms::from(spec);
  check_amounts(at(terms, q(0)), {q(0), q(0), q(0), q(0)});
  Engine w(terms);
  w.distribute(q(0));
  CHECK(w.distributed() == q(0));
  CHECK(w.current_tier() == 0);
  w.distribute(q(7));
  const Amounts before = w.received();
  w.distribute(q(0));
  check_amounts(w.received(), before);
  CHECK(w.distributed() == q(7));
  CHECK_THROWS_AS(w.distribute(q(-1, 100)), std::logic_error);
  check_amounts(w.received(), before);
  CHECK(w.distributed() == q(7));
  const auto fast = capflow::WaterfallTerms<double>::from(spec);
  capflow::Waterfall<double> d(fast);
  CHECK_THROWS_AS(d.distribute(-1.0), std::logic_error);
}

namespace {

// The WSJ preset (scenarios/openai-wsj-2023.json), rebuilt by hand.
// The holders in the preset's order (first_close, index 0, is not referred to by name).
constexpr HolderIndex kMicrosoft = 1, kEmployees = 2, kLater = 3, kNonprofit = 4;
const Rational kMillion(1000000);
const Rational kBillion(1000000000);

// Employees and later investors share a $150B cap 41:8 (their tier-3 shares), each
// rounded to the cent: 125,510,204,081.632... and 24,489,795,918.367...
Money employees_cap() {
  return Rational(capflow::round_to_cents(150 * kBillion * q(41, 49))) / 100;
}
Money later_investors_cap() {
  return Rational(capflow::round_to_cents(150 * kBillion * q(8, 49))) / 100;
}

WaterfallSpec wsj_spec() {
  Holder first_close = holder("first_close");
  first_close.invested = 194 * kMillion;
  first_close.cap_multiple = q(100);
  first_close.cap = 100 * first_close.invested;
  Holder microsoft = holder("microsoft", 92 * kBillion);
  microsoft.invested = 13 * kBillion;
  return make_spec({first_close, microsoft, holder("employees", employees_cap()),
                    holder("later_investors", later_investors_cap()), residual("nonprofit")},
                   {tier({q(1), q(0), q(0), q(0), q(0)}, 194 * kMillion),
                    tier({q(1, 8), q(3, 4), q(1, 8), q(0), q(0)}, 173 * kBillion / 10),
                    tier({q(0), q(49, 100), q(41, 100), q(8, 100), q(2, 100)})});
}

}  // namespace

TEST_CASE("WSJ preset at $50B, by hand: nobody is capped yet") {
  const Terms terms = Terms::from(wsj_spec());
  const Rational tier1 = 194 * kMillion;
  const Rational tier2 = 173 * kBillion / 10;            // 17.3B
  const Rational tier3 = 50 * kBillion - tier1 - tier2;  // 32.506B
  CHECK(tier3 == Rational(32506) * kMillion);
  const Amounts want{
      tier1 + q(125, 1000) * tier2,               // first close: 2.3565B
      q(75, 100) * tier2 + q(49, 100) * tier3,    // Microsoft: 28.90294B
      q(125, 1000) * tier2 + q(41, 100) * tier3,  // employees: 15.48996B
      q(8, 100) * tier3,                          // later investors: 2.60048B
      q(2, 100) * tier3,                          // nonprofit: 0.65012B
  };
  CHECK(want[kMicrosoft] == Rational(2890294) * 10000);
  CHECK(want[kEmployees] == Rational(1548996) * 10000);
  // Below every cap, so no overflow: 19.4B, 92B, 122.65B, 23.94B.
  const Terms& t = terms;
  for (HolderIndex h = 0; h < kNonprofit; ++h) CHECK(want[h] < t.cap[h]);
  check_amounts(at(terms, 50 * kBillion), want);
  const auto cents = capflow::allocate_cents(at(terms, 50 * kBillion));
  CHECK(cents == std::vector<Integer>{Integer("235650000000"), Integer("2890294000000"),
                                      Integer("1548996000000"), Integer("260048000000"),
                                      Integer("65012000000")});
}

TEST_CASE("WSJ preset at $500B, by hand: Microsoft, employees and later investors capped") {
  const Terms terms = Terms::from(wsj_spec());
  const Rational tier1 = 194 * kMillion;
  const Rational tier2 = 173 * kBillion / 10;
  const Rational tier3 = 500 * kBillion - tier1 - tier2;  // 482.506B
  const Rational ms_cap = 92 * kBillion;
  const Rational emp_cap = employees_cap();
  const Rational later_cap = later_investors_cap();
  CHECK(emp_cap == Rational("12551020408163/100"));
  CHECK(later_cap == Rational("2448979591837/100"));
  // Uncapped, the three would have received this much; each is above its cap, so each
  // holds at its cap and the excess went to the nonprofit (cap_overflow residual).
  const Rational ms_uncapped = q(75, 100) * tier2 + q(49, 100) * tier3;     // 249.40294B
  const Rational emp_uncapped = q(125, 1000) * tier2 + q(41, 100) * tier3;  // 199.98996B
  const Rational later_uncapped = q(8, 100) * tier3;                        // 38.60048B
  REQUIRE(ms_uncapped > ms_cap);
  REQUIRE(emp_uncapped > emp_cap);
  REQUIRE(later_uncapped > later_cap);
  // The first-close investors have no share in tier 3: 194M + 12.5% of 17.3B, under 19.4B.
  const Rational first_close = tier1 + q(125, 1000) * tier2;
  REQUIRE(first_close < 100 * tier1);
  const Rational nonprofit = q(2, 100) * tier3 + (ms_uncapped - ms_cap) + (emp_uncapped - emp_cap) +
                             (later_uncapped - later_cap);
  // 500B - 92B - 125,510,204,081.63 - 24,489,795,918.37 - 2,356,500,000
  CHECK(nonprofit == Rational("255643500000"));
  const Amounts got = at(terms, 500 * kBillion);
  check_amounts(got, {first_close, ms_cap, emp_cap, later_cap, nonprofit});

  // Where the caps bind, by hand: Microsoft after (92B - 12.975B) / 0.49 of tier 3.
  Engine w(terms);
  w.distribute(tier1 + tier2 + (ms_cap - q(75, 100) * tier2) / q(49, 100));
  CHECK(w.at_cap(kMicrosoft));
  CHECK_FALSE(w.at_cap(kEmployees));
  CHECK(w.received()[kNonprofit] == q(2, 100) * (ms_cap - q(75, 100) * tier2) / q(49, 100));
}

TEST_CASE("WSJ preset file gives the hand-built allocations") {
  auto loaded = capflow::load_scenario(CAPFLOW_SOURCE_DIR "/scenarios/openai-wsj-2023.json");
  REQUIRE(loaded.diagnostics.empty());
  REQUIRE(loaded.scenario.has_value());
  const Terms from_file = Terms::from(loaded.scenario->waterfall);
  const Terms by_hand = Terms::from(wsj_spec());
  for (int billions : {0, 1, 17, 50, 100, 200, 300, 500, 1000}) {
    CAPTURE(billions);
    check_amounts(at(from_file, billions * kBillion), at(by_hand, billions * kBillion));
  }
}

TEST_CASE("double engine: the WSJ preset agrees with the exact engine") {
  const WaterfallSpec spec = wsj_spec();
  const Terms exact = Terms::from(spec);
  const auto fast = capflow::WaterfallTerms<double>::from(spec);
  for (int billions : {0, 1, 17, 50, 100, 200, 300, 500, 1000}) {
    CAPTURE(billions);
    const Amounts e = at(exact, billions * kBillion);
    const std::vector<double> d = allocate(fast, 1e9 * billions);
    for (std::size_t h = 0; h < e.size(); ++h) {
      CAPTURE(h);
      CHECK(d[h] == doctest::Approx(capflow::to_double(e[h])).epsilon(1e-12).scale(1e9));
    }
  }
  // Capped holders sit exactly at their caps, not a rounding error below.
  capflow::Waterfall<double> w(fast);
  w.distribute(500e9);
  CHECK(w.received()[kMicrosoft] == 92e9);
  CHECK(w.received()[kEmployees] == fast.cap[kEmployees]);
  CHECK(w.received()[kLater] == fast.cap[kLater]);
  CHECK(w.at_cap(kMicrosoft));
  CHECK(w.at_cap(kEmployees));
  CHECK(w.at_cap(kLater));
}

TEST_CASE("breakpoints of a small spec, by hand") {
  // Tier 1: A all, size 100. Tier 2: A all again, size 50 (same shares: no breakpoint).
  // Tier 3: A 1/2 (cap 200), B 1/2, forever. A reaches 200 after 100 more profit (at 250).
  auto spec =
      make_spec({holder("a", q(200)), holder("b"), holder("c"), residual("r")},
                {tier({q(1), q(0), q(0), q(0)}, q(100)), tier({q(1), q(0), q(0), q(0)}, q(50)),
                 tier({q(1, 2), q(1, 2), q(0), q(0)})});
  const Terms terms = Terms::from(spec);
  const auto table = capflow::breakpoints(terms);
  CHECK(table.initial_marginal == Amounts{q(1), q(0), q(0), q(0)});
  CHECK(table.initial_tier == 0);
  REQUIRE(table.points.size() == 2);
  CHECK(table.points[0].profit == q(150));
  CHECK(table.points[0].received == Amounts{q(150), q(0), q(0), q(0)});
  CHECK(table.points[0].marginal == Amounts{q(1, 2), q(1, 2), q(0), q(0)});
  CHECK(table.points[0].tier == 2);
  CHECK(table.points[1].profit == q(250));
  CHECK(table.points[1].received == Amounts{q(200), q(50), q(0), q(0)});
  CHECK(table.points[1].marginal == Amounts{q(0), q(1, 2), q(0), q(1, 2)});
  CHECK(table.points[1].tier == 2);
  for (const Rational& p : {q(0), q(1, 3), q(100), q(149), q(150), q(200), q(250), q(10000)}) {
    CAPTURE(p);
    check_amounts(capflow::allocation_from_breakpoints(table, p), at(terms, p));
  }
  CHECK(capflow::allocation_from_breakpoints(table, q(1000)) ==
        Amounts{q(200), q(50 + 375), q(0), q(375)});
}

TEST_CASE("breakpoints: the end of the last tier, and a tier skipped on entry") {
  // Tier 1: A 1/2, B 1/2, until B has 10 (profit 20). Tier 2: B all, until A has 5: A
  // already has 10, so it is skipped. Tier 3: C all, size 30 (to profit 50). Then R.
  auto spec = make_spec({holder("a"), holder("b"), holder("c"), residual("r")},
                        {tier({q(1, 2), q(1, 2), q(0), q(0)}, std::nullopt, until(kB, q(10))),
                         tier({q(1, 2), q(1, 2), q(0), q(0)}, std::nullopt, until(kA, q(5))),
                         tier({q(0), q(0), q(1), q(0)}, q(30))});
  const Terms terms = Terms::from(spec);
  const auto table = capflow::breakpoints(terms);
  REQUIRE(table.points.size() == 2);
  CHECK(table.points[0].profit == q(20));
  CHECK(table.points[0].tier == 2);
  CHECK(table.points[0].marginal == Amounts{q(0), q(0), q(1), q(0)});
  CHECK(table.points[1].profit == q(50));
  CHECK(table.points[1].tier == 3);
  CHECK(table.points[1].received == Amounts{q(10), q(10), q(30), q(0)});
  CHECK(table.points[1].marginal == Amounts{q(0), q(0), q(0), q(1)});
  CHECK(sum(capflow::allocation_from_breakpoints(table, q(77))) == q(77));
  check_amounts(capflow::allocation_from_breakpoints(table, q(77)), at(terms, q(77)));
}
