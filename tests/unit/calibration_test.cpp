// The year-by-year presets against the figures they encode (docs/sources.md §7-10).
//
// Each preset is loaded from scenarios/ and run exactly, as `capflow project` runs it
// (ProjectionTerms<Rational>::from, base_inputs, project). The expected values below are
// the *reported* figures (The Information, Oct 2024, as the seed article and
// facts.md give them) or are computed from the scenario's own terms; none is copied
// from the program's output, so a change to a preset or to the engine that moves a
// printed figure away from its source fails here.

#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "capflow/projection/projection.hpp"
#include "capflow/terms/scenario.hpp"
#include "unit/scenario_fixture.hpp"

using capflow::HolderIndex;
using capflow::ProjectionResult;
using capflow::ProjectionTerms;
using capflow::Rational;
using capflow::Scenario;
using capflow::Year;
using capflow::YearRecord;

namespace {

Rational billions(double b) {
  // Reported figures have at most two decimals in billions: exact through cents.
  return Rational(static_cast<long long>(b * 100 + (b < 0 ? -0.5 : 0.5)), 100) * 1'000'000'000;
}

Scenario load_preset(const std::string& name) {
  Scenario s = capflow::testing::load_preset_ok(name);
  REQUIRE(s.projection.has_value());
  return s;
}

// Exactly what `capflow project FILE` computes.
ProjectionResult<Rational> run(const Scenario& s) {
  const auto terms = ProjectionTerms<Rational>::from(*s.projection, s.waterfall);
  return capflow::project(terms, terms.base_inputs(*s.projection, s.waterfall));
}

const YearRecord<Rational>& year(const ProjectionResult<Rational>& r, Year y) {
  for (const auto& rec : r.years) {
    if (rec.year == y) return rec;
  }
  FAIL("year " << y << " is not in the projection");
  return r.years.front();
}

// Sum of net income over [from, to]: "cumulative loss 2023-2028" as reported.
Rational net_income_sum(const ProjectionResult<Rational>& r, Year from, Year to) {
  Rational sum = 0;
  for (const auto& rec : r.years) {
    if (rec.year >= from && rec.year <= to) sum += rec.net_income;
  }
  return sum;
}

double bn(const Rational& v) {
  return capflow::to_double(v) / 1e9;
}

// |printed − reported| <= 5 % of |reported|.
void check_within_5pct(const char* what, const Rational& printed, const Rational& reported) {
  INFO(what << ": printed " << bn(printed) << "B, reported " << bn(reported) << "B");
  Rational diff = printed - reported;
  if (diff < 0) diff = -diff;
  Rational bound = reported < 0 ? Rational(-reported) : reported;
  CHECK(Rational(diff * 20) <= bound);
}

HolderIndex holder(const Scenario& s, const std::string& id) {
  const auto h = s.waterfall.find(id);
  INFO("holder " << id);
  REQUIRE(h.has_value());
  return *h;
}

std::size_t cost_line(const Scenario& s, const std::string& id) {
  const auto& costs = s.projection->costs;
  for (std::size_t k = 0; k < costs.size(); ++k) {
    if (costs[k].id == id) return k;
  }
  FAIL("no cost line " << id);
  return 0;
}

// The round and option money that is subject to the deadline: the round plus every
// option whose revenue condition the projection met in its year.
Rational round_money_in(const Scenario& s, const ProjectionResult<Rational>& r, std::size_t round) {
  const auto& rd = s.projection->rounds.at(round);
  Rational in = rd.amount;
  for (const auto& o : rd.options) {
    if (!o.revenue_at_least || year(r, o.year).revenue >= *o.revenue_at_least) in += o.amount;
  }
  return in;
}

}  // namespace

TEST_CASE(
    "calibration: openai-2024-round prints The Information's Oct-2024 projections within 5%") {
  const Scenario s = load_preset("openai-2024-round.json");
  const auto r = run(s);
  const auto& p = *s.projection;
  REQUIRE(p.first_year <= 2023);
  REQUIRE(p.last_year >= 2035);

  check_within_5pct("revenue 2024", year(r, 2024).revenue, billions(3.7));
  check_within_5pct("net income 2024", year(r, 2024).net_income, billions(-5));
  check_within_5pct("revenue 2025", year(r, 2025).revenue, billions(11.6));
  check_within_5pct("net income 2026", year(r, 2026).net_income, billions(-14));
  check_within_5pct("net income 2023-2028", net_income_sum(r, 2023, 2028), billions(-44));
  check_within_5pct("revenue 2029", year(r, 2029).revenue, billions(100));

  // First profit in 2029: a loss every year before, a profit in 2029.
  REQUIRE(r.summary.first_profit_index >= 0);
  CHECK(p.first_year + r.summary.first_profit_index == 2029);
  for (Year y = 2023; y <= 2028; ++y) {
    INFO("year " << y);
    CHECK(year(r, y).net_income < 0);
  }
  CHECK(year(r, 2029).net_income > 0);

  // Gross margin 41 % in 2024 rising to 67 % by 2028 (cost of revenue as a ratio).
  const std::size_t cor = cost_line(s, "cost_of_revenue");
  auto margin = [&](Year y) { return Rational(1 - year(r, y).costs[cor] / year(r, y).revenue); };
  check_within_5pct("gross margin 2024 (x 1B)", margin(2024) * 1'000'000'000, billions(0.41));
  check_within_5pct("gross margin 2028 (x 1B)", margin(2028) * 1'000'000'000, billions(0.67));
  for (Year y = 2025; y <= 2028; ++y) {
    INFO("gross margin rises in " << y);
    CHECK(margin(y) >= margin(y - 1));
  }

  // Training compute $9.5-10B in 2026.
  const Rational training = year(r, 2026).costs[cost_line(s, "training_compute")];
  INFO("training compute 2026: " << bn(training) << "B");
  CHECK(Rational(training * 20) >= Rational(billions(9.5) * 19));
  CHECK(Rational(training * 20) <= Rational(billions(10) * 21));
}

TEST_CASE("calibration: Microsoft takes 20% of revenue through 2030, at most $38B in all") {
  const Scenario s = load_preset("openai-2024-round.json");
  const auto r = run(s);
  const auto& p = *s.projection;
  const HolderIndex ms = holder(s, "microsoft");
  REQUIRE(p.revenue_shares.size() == 1);
  const auto& share = p.revenue_shares[0];
  CHECK(share.to == ms);
  CHECK(share.rate == Rational(1, 5));
  REQUIRE(share.until_year.has_value());
  CHECK(*share.until_year == 2030);
  REQUIRE(share.total_cap.has_value());
  check_within_5pct("revenue share cap", *share.total_cap, billions(38));

  // Every year: 20 % of revenue, or what is left under the cap, and nothing after 2030.
  Rational paid = 0;
  for (const auto& y : r.years) {
    Rational expected = y.year <= 2030 ? Rational(y.revenue / 5) : Rational(0);
    if (expected > *share.total_cap - paid) expected = *share.total_cap - paid;
    INFO("year " << y.year);
    CHECK(y.revenue_share == expected);
    paid += y.revenue_share;
  }
  CHECK(paid <= *share.total_cap);
  // The plain 20 % holds in every year before the cap binds.
  for (Year y = 2023; y <= 2028; ++y)
    CHECK(Rational(year(r, y).revenue_share * 5) == year(r, y).revenue);
  CHECK(r.summary.total_other[ms] == paid);
}

TEST_CASE(
    "calibration: the $32B still to be raised, and the Oct-2024 round's terms in the base case") {
  const Scenario s = load_preset("openai-2024-round.json");
  const auto r = run(s);
  const auto& p = *s.projection;

  // The article's "$32B still to be raised" is the peak funding need, and also the net
  // outside money the credit line and new rounds bring in (new rounds that refinance
  // the line when it matures are not new money).
  check_within_5pct("peak funding need", r.summary.peak_funding_need, billions(32));
  Rational raised = 0;
  for (const auto& y : r.years) raised += y.credit_drawn + y.raised_new_rounds - y.credit_repaid;
  check_within_5pct("credit line + new rounds", raised, billions(32));
  CHECK(p.funding.credit_line.has_value());
  check_within_5pct("credit line", p.funding.credit_line->size, billions(4));

  // The round: $6.6B at $157B post-money; Thrive's option exercised in 2025 (the
  // plan's revenue is met); conversion in time, so no refund.
  REQUIRE(p.rounds.size() == 1);
  const auto& rd = p.rounds[0];
  CHECK(rd.amount == billions(6.6));
  REQUIRE(rd.post_money.has_value());
  CHECK(*rd.post_money == billions(157));
  REQUIRE(rd.conversion_deadline.has_value());
  CHECK(rd.conversion_deadline->str() == "2026-10-02");
  CHECK(!rd.exclusivity.empty());
  REQUIRE(rd.options.size() == 1);
  CHECK(rd.options[0].amount == billions(1));
  CHECK(year(r, 2024).raised_rounds == rd.amount);
  CHECK(year(r, 2025).raised_rounds == rd.options[0].amount);
  CHECK(!r.summary.deadline_missed);
  CHECK(r.summary.refund_owed == 0);
  REQUIRE(p.conversion.has_value());
  CHECK(!(*rd.conversion_deadline < p.conversion->date));
  CHECK(!year(r, 2025).converted);
  CHECK(year(r, 2026).converted);

  // Microsoft's part of the round joins Microsoft: $13B + $0.75B.
  const HolderIndex ms = holder(s, "microsoft");
  CHECK(r.summary.invested_total[ms] == billions(13.75));

  // Under the outcome "claims at the round's valuation", equity from claims on the
  // round's own valuation gives the Oct-2024 investors about what their money bought.
  const auto& outcomes = p.conversion->outcomes;
  REQUIRE(outcomes.size() == 2);
  CHECK(outcomes[p.conversion->base_outcome].name == "negotiated like the 2025 recap");
  std::size_t claims = 0;
  while (claims < outcomes.size() && !outcomes[claims].claims_valuation) ++claims;
  REQUIRE(claims < outcomes.size());
  const auto terms = ProjectionTerms<Rational>::from(p, s.waterfall);
  auto inputs = terms.base_inputs(p, s.waterfall);
  inputs.conversion_outcome = claims;
  const auto rc = capflow::project(terms, inputs);
  const HolderIndex inv = holder(s, "investors_2024");
  const auto& y2031 = year(rc, 2031);
  REQUIRE(y2031.distributed > 0);
  const Rational stake = y2031.received[inv] / y2031.distributed;
  // Notes of new rounds still owed at the conversion become equity at the new rounds'
  // price, and new rounds from its year on dilute every holder by the stake they buy:
  // money / (revenue × valuation multiple + money).
  const Rational multiple = *p.funding.valuation_revenue_multiple;
  Rational kept = 1;
  for (const auto& y : rc.years) {
    if (y.year == p.conversion->date.year) {
      const Rational notes = year(rc, y.year - 1).debt_balance;
      kept *= 1 - notes / (y.revenue * multiple + notes);
    }
    if (y.year >= p.conversion->date.year && y.raised_new_rounds > 0) {
      kept *= 1 - y.raised_new_rounds / (y.revenue * multiple + y.raised_new_rounds);
    }
  }
  // Nothing is distributed before the conversion, so the claims are the valuation
  // pushed through a fresh waterfall under the caps of the conversion year.
  REQUIRE(net_income_sum(rc, 2023, p.conversion->date.year) < 0);
  capflow::Waterfall<Rational> probe(terms.waterfall);
  probe.set_caps(year(rc, p.conversion->date.year).caps);
  const Rational v = *outcomes[claims].claims_valuation;
  probe.distribute(v);
  CHECK(stake == probe.received()[inv] / v * kept);
  // ... which is about what the investors' money bought at the round's price.
  const Rational money_in = round_money_in(s, rc, 0) - billions(0.75);  // less Microsoft's part
  INFO("claims stake " << capflow::to_double(probe.received()[inv] / v) << ", bought "
                       << capflow::to_double(money_in / v));
  CHECK(probe.received()[inv] / v > money_in / v * Rational(9, 10));
  CHECK(probe.received()[inv] / v < money_in / v * Rational(12, 10));
}

TEST_CASE("calibration: openai-recap-2025 pays by the reported equity from 2025") {
  const Scenario s = load_preset("openai-recap-2025.json");
  const auto r = run(s);
  const auto& p = *s.projection;
  REQUIRE(p.conversion.has_value());
  CHECK(p.conversion->date.str() == "2025-10-28");
  const auto& equity = p.conversion->base().equity;
  REQUIRE(equity.size() == s.waterfall.holders.size());

  // The reported stakes: Foundation 26 %, Microsoft about 27 %, the others 47 %.
  const HolderIndex np = holder(s, "nonprofit");
  const HolderIndex ms = holder(s, "microsoft");
  CHECK(equity[np] == Rational(26, 100));
  CHECK(equity[ms] == Rational(27, 100));
  Rational others = 0;
  for (HolderIndex h = 0; h < equity.size(); ++h) {
    if (h != np && h != ms) others += equity[h];
  }
  CHECK(others == Rational(47, 100));

  // The 2026 round ($122B at $852B post-money) comes after the conversion: it buys
  // 122/852 and dilutes every other stake by as much.
  REQUIRE(p.rounds.size() == 3);
  CHECK(p.rounds[2].date.str() == "2026-03-31");
  const Rational bought = p.rounds[2].amount / *p.rounds[2].post_money;
  CHECK(bought == Rational(122, 852));
  const HolderIndex joins = p.rounds[2].joins;
  bool paid_any = false;
  for (const auto& y : r.years) {
    INFO("year " << y.year);
    CHECK(y.converted == (y.year >= 2025));
    if (y.year < 2025) continue;
    // Distributions and the terminal claim, split exactly by the stakes.
    const Rational total = y.distributed + y.terminal_value;
    if (total > 0) paid_any = true;
    for (HolderIndex h = 0; h < equity.size(); ++h) {
      INFO("holder " << s.waterfall.holders[h].id);
      Rational stake = equity[h];
      if (y.year >= 2026) stake = stake * (1 - bought) + (h == joins ? bought : Rational(0));
      CHECK(y.received[h] == Rational(stake * total));
    }
  }
  CHECK(paid_any);
  CHECK(!r.summary.deadline_missed);
  CHECK(r.summary.refund_owed == 0);
}

TEST_CASE(
    "calibration: openai-deadline-missed refunds the round and the exercised option in 2026") {
  const Scenario s = load_preset("openai-deadline-missed.json");
  const auto r = run(s);
  const auto& p = *s.projection;
  CHECK(!p.conversion.has_value());
  REQUIRE(p.rounds.size() == 1);
  REQUIRE(p.rounds[0].conversion_deadline.has_value());
  REQUIRE(p.rounds[0].conversion_deadline->year == 2026);

  const Rational owed = round_money_in(s, r, 0);
  check_within_5pct("refund", owed, billions(7.6));  // $6.6B + Thrive's $1B
  CHECK(r.summary.deadline_missed);
  CHECK(r.summary.refund_owed == owed);
  const HolderIndex inv = holder(s, "investors_2024");
  Rational refunded = 0;
  for (const auto& y : r.years) {
    INFO("year " << y.year);
    CHECK(!y.converted);
    CHECK(y.refunds == (y.year == 2026 ? owed : Rational(0)));
    refunded += y.refunds;
    // After the refund the holder has nothing in, so its multiple cap is zero.
    if (y.year >= 2026) CHECK(y.received[inv] == 0);
  }
  CHECK(refunded == owed);
  // Each part of the round goes back to the holder it joined: Microsoft's $0.75B to it.
  CHECK(year(r, 2026).other[inv] == owed - billions(0.75));
  CHECK(r.summary.total_other[inv] == owed - billions(0.75));
  // The new rounds raised meanwhile are notes: repaid with interest, so their holder
  // gets back more than it put in.
  const HolderIndex nr = holder(s, "new_investors");
  CHECK(r.summary.invested_total[nr] > 0);
  CHECK(r.summary.total_other[nr] > r.summary.invested_total[nr]);
}

TEST_CASE("calibration: dotcom-crash loses more than the base case and raises no new rounds") {
  const auto base = run(load_preset("openai-2024-round.json"));
  const Scenario s = load_preset("dotcom-crash.json");
  const auto r = run(s);
  CHECK(!s.projection->funding.valuation_revenue_multiple.has_value());

  const Rational base_loss = net_income_sum(base, 2023, 2026);
  const Rational crash_loss = net_income_sum(r, 2023, 2026);
  INFO("net income 2023-2026: base " << bn(base_loss) << "B, crash " << bn(crash_loss) << "B");
  CHECK(crash_loss < base_loss);

  // Revenue falls in the crash year. Financing dries up: the credit line cannot cover
  // the need, so the company defaults that year, and nothing happens after.
  CHECK(year(r, 2026).revenue < year(r, 2025).revenue);
  REQUIRE(r.summary.default_index >= 0);
  const Year defaulted = s.projection->first_year + r.summary.default_index;
  CHECK(defaulted == 2026);
  for (const auto& y : r.years) {
    INFO("year " << y.year);
    CHECK(y.raised_new_rounds == 0);
    CHECK(y.defaulted == (y.year >= defaulted));
    // Cash never shows below zero but in the default year, where it is the hole.
    if (y.year != defaulted) CHECK(y.cash >= 0);
    if (y.year == defaulted) {
      CHECK(y.cash < 0);
      CHECK(y.unfunded > 0);
      CHECK(y.distributed == 0);
    }
    if (y.year > defaulted) {
      CHECK(y.revenue == 0);
      for (const auto& x : y.received) CHECK(x == 0);
      for (const auto& x : y.other) CHECK(x == 0);
    }
  }
  CHECK((r.summary.first_profit_index < 0 ||
         r.summary.first_profit_index > base.summary.first_profit_index));
}
