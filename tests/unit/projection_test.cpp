// The year-by-year model (docs/model.md) rule by rule, on tiny scenarios whose every
// number is worked out by hand in the comments. Each scenario is written as JSON, loaded
// through load_scenario (so the spec reader's defaults are exercised too), run exactly,
// and run again in double, which must agree with the exact run to 1e-9 relative.

#include <doctest/doctest.h>

#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "capflow/projection/projection.hpp"
#include "capflow/terms/scenario.hpp"
#include "unit/scenario_fixture.hpp"

using capflow::ProjectionResult;
using capflow::ProjectionTerms;
using capflow::Rational;
using capflow::Scenario;

namespace {

Rational q(long long num, long long den = 1) {
  return Rational(num, den);
}

// A scenario document from its parts; `extra` is appended at the top level
// (e.g. `, "rounds": [...]`).
std::string doc(const std::string& holders, const std::string& tiers, const std::string& projection,
                const std::string& extra = "") {
  return R"({"schema": "capflow/scenario/v1", "holders": )" + holders +
         R"(, "waterfall": {"tiers": )" + tiers + R"(}, "projection": )" + projection + extra + "}";
}

Scenario load(const std::string& json) {
  static int counter = 0;
  namespace fs = std::filesystem;
  const fs::path path =
      fs::temp_directory_path() / ("capflow-projection-test-" + std::to_string(::getpid()) + "-" +
                                   std::to_string(++counter) + ".json");
  {
    std::ofstream f(path);
    f << json;
  }
  auto loaded = capflow::load_scenario(path.string());
  fs::remove(path);
  INFO(capflow::testing::problems_of(loaded));
  REQUIRE(loaded.scenario.has_value());
  REQUIRE(loaded.scenario->projection.has_value());
  return std::move(*loaded.scenario);
}

// |fast - exact| <= 1e-9 × max(|exact|, 1): relative, with dollars as the floor.
void check_close(double fast, const Rational& exact, const char* what, int year) {
  const double e = capflow::to_double(exact);
  INFO(what << " in " << year << ": double " << fast << ", exact " << e);
  CHECK(std::abs(fast - e) <= 1e-9 * std::max(std::abs(e), 1.0));
}

void check_close(const std::vector<double>& fast, const std::vector<Rational>& exact,
                 const char* what, int year) {
  REQUIRE(fast.size() == exact.size());
  for (std::size_t k = 0; k < fast.size(); ++k) check_close(fast[k], exact[k], what, year);
}

// The double instantiation must tell the same story as the exact one.
void check_double_agrees(const Scenario& s, const ProjectionResult<Rational>& exact) {
  const auto terms = ProjectionTerms<double>::from(*s.projection, s.waterfall);
  const auto fast = capflow::project(terms, terms.base_inputs(*s.projection, s.waterfall));
  REQUIRE(fast.years.size() == exact.years.size());
  for (std::size_t i = 0; i < exact.years.size(); ++i) {
    const auto& f = fast.years[i];
    const auto& e = exact.years[i];
    const int y = e.year;
    CHECK(f.year == e.year);
    check_close(f.revenue, e.revenue, "revenue", y);
    check_close(f.costs, e.costs, "costs", y);
    check_close(f.revenue_share, e.revenue_share, "revenue_share", y);
    check_close(f.interest, e.interest, "interest", y);
    check_close(f.net_income, e.net_income, "net_income", y);
    check_close(f.cumulative_result, e.cumulative_result, "cumulative_result", y);
    check_close(f.raised_rounds, e.raised_rounds, "raised_rounds", y);
    check_close(f.raised_new_rounds, e.raised_new_rounds, "raised_new_rounds", y);
    check_close(f.credit_drawn, e.credit_drawn, "credit_drawn", y);
    check_close(f.credit_repaid, e.credit_repaid, "credit_repaid", y);
    check_close(f.credit_balance, e.credit_balance, "credit_balance", y);
    check_close(f.debt_balance, e.debt_balance, "debt_balance", y);
    check_close(f.refunds, e.refunds, "refunds", y);
    check_close(f.funding_need, e.funding_need, "funding_need", y);
    check_close(f.unfunded, e.unfunded, "unfunded", y);
    check_close(f.distributable, e.distributable, "distributable", y);
    check_close(f.debt_repaid, e.debt_repaid, "debt_repaid", y);
    check_close(f.distributed, e.distributed, "distributed", y);
    check_close(f.terminal_value, e.terminal_value, "terminal_value", y);
    check_close(f.cash, e.cash, "cash", y);
    check_close(f.received, e.received, "received", y);
    check_close(f.other, e.other, "other", y);
    check_close(f.invested, e.invested, "invested", y);
    check_close(f.caps, e.caps, "caps", y);
    CHECK(f.converted == e.converted);
    CHECK(f.at_cap == e.at_cap);
  }
  const auto& fs = fast.summary;
  const auto& es = exact.summary;
  const int last = exact.years.back().year;
  check_close(fs.total_received, es.total_received, "total_received", last);
  check_close(fs.terminal_claim, es.terminal_claim, "terminal_claim", last);
  check_close(fs.total_other, es.total_other, "total_other", last);
  check_close(fs.pv, es.pv, "pv", last);
  check_close(fs.invested_total, es.invested_total, "invested_total", last);
  check_close(fs.refund_owed, es.refund_owed, "refund_owed", last);
  check_close(fs.worst_cumulative_result, es.worst_cumulative_result, "worst_cumulative_result",
              last);
  check_close(fs.total_funding_need, es.total_funding_need, "total_funding_need", last);
  check_close(fs.peak_funding_need, es.peak_funding_need, "peak_funding_need", last);
  CHECK(fs.cap_year_index == es.cap_year_index);
  CHECK(fs.ended_at_cap == es.ended_at_cap);
  CHECK(fs.deadline_missed == es.deadline_missed);
  CHECK(fs.first_profit_index == es.first_profit_index);
}

// Runs the scenario exactly, and checks the double run against it.
ProjectionResult<Rational> run(const Scenario& s) {
  const auto terms = ProjectionTerms<Rational>::from(*s.projection, s.waterfall);
  auto exact = capflow::project(terms, terms.base_inputs(*s.projection, s.waterfall));
  check_double_agrees(s, exact);
  return exact;
}

ProjectionResult<Rational> run(const std::string& json) {
  return run(load(json));
}

// One holder that takes everything: the waterfall plays no part.
const char* kOwnerOnly = R"({"owner": {"residual": true}})";

}  // namespace

TEST_CASE("revenue: amounts, then growth as a step series, an amount overriding growth") {
  // 2024 is the base (first_year - 1). Growth 10 % from 2025, 50 % from 2026, -50 % from
  // 2029; the 2027 amount replaces growth for that year and is the base of 2028.
  //   2025: 100 × 1.1 = 110;  2026: 110 × 1.5 = 165;  2027: 1000 (amount)
  //   2028: 1000 × 1.5 = 1500 (50 % still in force);  2029: 1500 × 0.5 = 750
  auto r = run(doc(kOwnerOnly, "[]", R"({
    "first_year": 2025, "last_year": 2029, "discount_rate": 0,
    "revenue": {"amounts": {"2024": 100, "2027": 1000},
                "growth": {"2025": "10%", "2026": "50%", "2029": "-50%"}}})"));
  REQUIRE(r.years.size() == 5);
  CHECK(r.years[0].revenue == q(110));
  CHECK(r.years[1].revenue == q(165));
  CHECK(r.years[2].revenue == q(1000));
  CHECK(r.years[3].revenue == q(1500));
  CHECK(r.years[4].revenue == q(750));
  // No costs: net income is revenue, all distributed to the one holder.
  CHECK(r.years[4].net_income == q(750));
  CHECK(r.summary.total_received[0] == q(110 + 165 + 1000 + 1500 + 750));
}

TEST_CASE("costs: ratio of revenue, fixed amounts, and growth on the previous year") {
  // revenue 100, 200, 400
  //   cogs:  ratio 50 % from 2025, 25 % from 2027        -> 50, 100, 100
  //   rent:  amounts                                     -> 30, 30, 45
  //   staff: base 40 in 2024, +25 % from 2025, 0 % 2027  -> 50, 62.5, 62.5
  //   it:    10 in 2025, +100 % from 2026, 5 in 2027     -> 10, 20, 5 (amount wins)
  // net income: 100-50-30-50-10 = -40; 200-100-30-62.5-20 = -12.5; 400-100-45-62.5-5 = 187.5
  auto r = run(doc(kOwnerOnly, "[]", R"({
    "first_year": 2025, "last_year": 2027, "discount_rate": "10%",
    "revenue": {"amounts": {"2025": 100, "2026": 200, "2027": 400}},
    "costs": {
      "cogs":  {"ratio": {"2025": "50%", "2027": "25%"}},
      "rent":  {"amounts": {"2025": 30, "2026": 30, "2027": 45}},
      "staff": {"amounts": {"2024": 40}, "growth": {"2025": "25%", "2027": 0}},
      "it":    {"amounts": {"2025": 10, "2027": 5}, "growth": {"2026": "100%"}}}})"));
  REQUIRE(r.years.size() == 3);
  const std::vector<std::vector<Rational>> costs = {{q(50), q(30), q(50), q(10)},
                                                    {q(100), q(30), q(125, 2), q(20)},
                                                    {q(100), q(45), q(125, 2), q(5)}};
  for (std::size_t i = 0; i < 3; ++i) CHECK(r.years[i].costs == costs[i]);
  CHECK(r.years[0].net_income == q(-40));
  CHECK(r.years[1].net_income == q(-25, 2));
  CHECK(r.years[2].net_income == q(375, 2));
  CHECK(r.years[2].cumulative_result == q(135));
  // Losses first: only the 135 above the high-water mark of 0 is distributed.
  CHECK(r.years[2].distributable == q(135));
  CHECK(r.summary.first_profit_index == 2);
  CHECK(r.summary.worst_cumulative_result == q(-105, 2));
}

TEST_CASE("revenue share: paid outside the waterfall, until a year and up to a total cap") {
  // revenue 100, 200, 300, 400
  //   partner:  20 % until 2027, at most 90 in total -> 20, 40, 30 (90 - 60 left), 0
  //   partner2: 10 %, no limit                       -> 10, 20, 30, 40
  // net income = revenue - shares: 70, 140, 240, 360
  auto r = run(doc(R"({"partner": {}, "partner2": {}, "owner": {"residual": true}})", "[]", R"({
    "first_year": 2025, "last_year": 2028, "discount_rate": 0,
    "revenue": {"amounts": {"2025": 100, "2026": 200, "2027": 300, "2028": 400}},
    "revenue_share": [
      {"to": "partner", "rate": "20%", "until_year": 2027, "total_cap": 90},
      {"to": "partner2", "rate": "10%"}]})"));
  const std::vector<Rational> partner = {q(20), q(40), q(30), q(0)};
  const std::vector<Rational> partner2 = {q(10), q(20), q(30), q(40)};
  const std::vector<Rational> ni = {q(70), q(140), q(240), q(360)};
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(r.years[i].other[0] == partner[i]);
    CHECK(r.years[i].other[1] == partner2[i]);
    CHECK(r.years[i].revenue_share == partner[i] + partner2[i]);
    CHECK(r.years[i].net_income == ni[i]);
    // Partners are in no tier: the waterfall gives them nothing.
    CHECK(r.years[i].received[0] == 0);
    CHECK(r.years[i].received[2] == ni[i]);
  }
  CHECK(r.summary.total_other[0] == q(90));
}

TEST_CASE("distribution: losses (also before the first year) are recovered first") {
  // opening cumulative result -30; net income -50, +100, -30, +60
  //   cumulative: -80, 20, -10, 50; high-water mark 0, 20, 20, 50
  //   distributable: 0, 20 (only what lifts it above 0), 0, 30 (the 2027 loss of 30
  //   is recovered before anything more is paid)
  auto r = run(doc(kOwnerOnly, "[]", R"({
    "first_year": 2025, "last_year": 2028, "discount_rate": 0,
    "opening_cash": 100, "opening_cumulative_result": -30,
    "revenue": {"amounts": {"2025": 10, "2026": 140, "2027": 10, "2028": 80}},
    "costs": {"all": {"amounts": {"2025": 60, "2026": 40, "2027": 40, "2028": 20}}}})"));
  const std::vector<Rational> ni = {q(-50), q(100), q(-30), q(60)};
  const std::vector<Rational> cumulative = {q(-80), q(20), q(-10), q(50)};
  const std::vector<Rational> distributable = {q(0), q(20), q(0), q(30)};
  // cash: 100 - 50 = 50; 50 + 100 - 20 = 130; 130 - 30 = 100; 100 + 60 - 30 = 130
  const std::vector<Rational> cash = {q(50), q(130), q(100), q(130)};
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(r.years[i].net_income == ni[i]);
    CHECK(r.years[i].cumulative_result == cumulative[i]);
    CHECK(r.years[i].distributable == distributable[i]);
    CHECK(r.years[i].distributed == distributable[i]);
    CHECK(r.years[i].received[0] == distributable[i]);
    CHECK(r.years[i].cash == cash[i]);
  }
  CHECK(r.summary.worst_cumulative_result == q(-80));
  CHECK(r.summary.first_profit_index == 1);

  // A positive opening result counts as already distributed: only new profit is paid.
  auto p = run(doc(kOwnerOnly, "[]", R"({
    "first_year": 2025, "last_year": 2025, "discount_rate": 0,
    "opening_cumulative_result": 25, "revenue": {"amounts": {"2025": 10}}})"));
  CHECK(p.years[0].cumulative_result == q(35));
  CHECK(p.years[0].distributable == q(10));
}

TEST_CASE("distribution: the payout ratio applies to new profit; what is retained stays in cash") {
  // net income 100, -30, 50; payout 40 %
  //   cumulative 100, 70, 120; new profit above the high-water mark 100, 0, 20
  //   distributable 40, 0, 8 (the retained 60 is never paid out later)
  //   cash 0 + 100 - 40 = 60; 60 - 30 = 30; 30 + 50 - 8 = 72
  auto r = run(doc(kOwnerOnly, "[]", R"({
    "first_year": 2025, "last_year": 2027, "discount_rate": 0,
    "revenue": {"amounts": {"2025": 100, "2026": 0, "2027": 50}},
    "costs": {"loss": {"amounts": {"2025": 0, "2026": 30, "2027": 0}}},
    "distribution": {"payout_ratio": "40%"}})"));
  const std::vector<Rational> distributable = {q(40), q(0), q(8)};
  const std::vector<Rational> cash = {q(60), q(30), q(72)};
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(r.years[i].distributable == distributable[i]);
    CHECK(r.years[i].cash == cash[i]);
  }
}

TEST_CASE("caps: a multiple follows invested money, grows yearly, and never claws back") {
  // fund: invested 100, cap 2× invested; split 50/50 with the residual owner.
  // A 100 round joins fund in 2025 (deadline 2026-06-30, refund; no conversion: missed).
  //   2025: invested 200, cap 400. Profit 600: fund 300, owner 300.
  //   2026: refund of 100 -> invested 100, cap 200, below the 300 fund already has.
  //         fund keeps its 300 and gets nothing of the 100 profit (all to owner).
  //   2027: cap growth 100 % from 2027: cap 200 × 2 = 400. Profit 200: fund needs 100
  //         more, i.e. 200 of profit at 50 %: fund +100, owner +100.
  //   2028: cap 200 × 2² = 800. Profit 100: fund +50, owner +50.
  auto r =
      run(doc(R"({"fund": {"invested": 100, "cap": {"multiple": 2}}, "owner": {"residual": true}})",
              R"([{"split": {"fund": "50%", "owner": "50%"}}])", R"({
    "first_year": 2025, "last_year": 2028, "discount_rate": 0,
    "revenue": {"amounts": {"2025": 600, "2026": 100, "2027": 200, "2028": 100}},
    "cap_growth": {"rate": "100%", "from_year": 2027}})",
              R"(, "rounds": [{"date": "2025-03-01", "amount": 100, "joins": "fund",
        "conversion_deadline": "2026-06-30", "if_missed": {"remedy": "refund"}}])"));
  const std::vector<Rational> fund = {q(300), q(0), q(100), q(50)};
  const std::vector<Rational> owner = {q(300), q(100), q(100), q(50)};
  const std::vector<Rational> caps = {q(400), q(200), q(400), q(800)};
  const std::vector<char> at_cap = {0, 1, 1, 0};
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(r.years[i].received[0] == fund[i]);
    CHECK(r.years[i].received[1] == owner[i]);
    CHECK(r.years[i].caps[0] == caps[i]);
    CHECK(r.years[i].at_cap[0] == at_cap[i]);
  }
  CHECK(r.summary.total_received[0] == q(450));
  CHECK(r.summary.cap_year_index[0] == 1);
  CHECK(r.summary.ended_at_cap[0] == 0);
  // The refund: cash 0 + 600 + 100 - 600 = 100 in 2025; 100 + 100 - 100 - 100 = 0 in 2026.
  CHECK(r.years[0].cash == q(100));
  CHECK(r.years[1].refunds == q(100));
  CHECK(r.years[1].other[0] == q(100));
  CHECK(r.years[1].cash == q(0));
  CHECK(r.summary.deadline_missed);
  CHECK(r.summary.refund_owed == q(100));
  CHECK(r.summary.invested_total[0] == q(200));
}

namespace {

// late: only money from rounds; 3× cap; half of every dollar. Conversion (when given)
// gives equity 50/50.
std::string late_round(const std::string& remedy, const std::string& conversion,
                       const std::string& revenue) {
  return doc(R"({"late": {"cap": {"multiple": 3}}, "owner": {"residual": true}})",
             R"([{"split": {"late": "50%", "owner": "50%"}}])",
             R"({"first_year": 2025, "last_year": 2027, "discount_rate": 0,
                 "revenue": {"amounts": )" +
                 revenue + "}}",
             R"(, "rounds": [{"date": "2025-03-01", "amount": 100, "joins": "late",
                 "conversion_deadline": "2026-03-01", "if_missed": )" +
                 remedy + "}]" + (conversion.empty() ? "" : R"(, "conversion": )" + conversion));
}

}  // namespace

TEST_CASE("refund remedy: in the deadline's year, the money goes back and stops participating") {
  // 2025: round 100 -> late invested 100, cap 300. Profit 100: late 50, owner 50.
  // 2026: deadline missed: refund 100 (cash out, paid to late), invested 0, cap 0.
  //       Profit 100: late 0 (at its cap of 0), owner 100.
  // 2027: profit 100: owner 100.
  auto r =
      run(late_round(R"({"remedy": "refund"})", "", R"({"2025": 100, "2026": 100, "2027": 100})"));
  CHECK(r.years[0].received[0] == q(50));
  CHECK(r.years[0].cash == q(100));  // 0 + 100 profit + 100 round - 100 distributed
  CHECK(r.years[1].cash == q(0));    // 100 + 100 profit - 100 refund - 100 distributed
  CHECK(r.years[1].refunds == q(100));
  CHECK(r.years[1].other[0] == q(100));
  CHECK(r.years[1].caps[0] == 0);
  CHECK(r.years[1].received[0] == 0);
  CHECK(r.years[1].received[1] == q(100));
  CHECK(r.years[2].received[0] == 0);
  // A cap of zero (nothing invested any more) is not "reaching the cap".
  CHECK(r.summary.cap_year_index[0] == -1);
  CHECK(r.summary.deadline_missed);
  CHECK(r.summary.refund_owed == q(100));
}

TEST_CASE("deadline: met when the conversion date is on or before it, missed one day later") {
  const char* revenue = R"({"2025": 100, "2026": 100, "2027": 100})";
  const char* refund = R"({"remedy": "refund"})";
  // Conversion on the deadline: met. From 2026 on, distributions follow equity 50/50.
  auto met = run(late_round(
      refund, R"({"date": "2026-03-01", "equity": {"late": "50%", "owner": "50%"}})", revenue));
  CHECK_FALSE(met.summary.deadline_missed);
  CHECK(met.years[1].refunds == 0);
  CHECK(met.years[1].converted);
  CHECK(met.years[1].received[0] == q(50));
  // Conversion one day after the deadline, in the same year: missed, refunded in 2026.
  auto missed = run(late_round(
      refund, R"({"date": "2026-03-02", "equity": {"late": "50%", "owner": "50%"}})", revenue));
  CHECK(missed.summary.deadline_missed);
  CHECK(missed.years[1].refunds == q(100));
  // Conversion after the horizon is still after the deadline.
  auto later = run(
      late_round(refund, R"({"date": 2040, "equity": {"late": "50%", "owner": "50%"}})", revenue));
  CHECK(later.summary.deadline_missed);
  CHECK_FALSE(later.years[2].converted);
}

TEST_CASE("debt remedy: interest is a cost, principal is repaid before any distribution") {
  // 2025: round 100; profit 10: late 5, owner 5.
  // 2026: deadline missed: 100 becomes debt at 10 % (no interest in its first year);
  //       profit 60 all goes to principal: debt 40 left, holders get nothing.
  // 2027: interest 40 × 10 % = 4; net income 104 - 4 = 100: principal 40 first, then 60
  //       to the holders; late's cap is 3 × 0 = 0, so owner gets all 60.
  auto r = run(late_round(R"({"remedy": "debt", "interest_rate": "10%"})", "",
                          R"({"2025": 10, "2026": 60, "2027": 104})"));
  CHECK(r.years[0].received[0] == q(5));
  CHECK(r.years[1].interest == 0);
  CHECK(r.years[1].refunds == 0);
  CHECK(r.years[1].distributable == q(60));
  CHECK(r.years[1].debt_repaid == q(60));
  CHECK(r.years[1].distributed == 0);
  CHECK(r.years[1].debt_balance == q(40));
  CHECK(r.years[1].other[0] == q(60));
  CHECK(r.years[2].interest == q(4));
  CHECK(r.years[2].net_income == q(100));
  CHECK(r.years[2].debt_repaid == q(40));
  CHECK(r.years[2].debt_balance == 0);
  CHECK(r.years[2].distributed == q(60));
  CHECK(r.years[2].received[0] == 0);
  CHECK(r.years[2].received[1] == q(60));
  CHECK(r.years[2].other[0] == q(44));
  // No refund: the cash stays (100 + 10 - 10 = 100 in 2025, then profit = payments).
  for (const auto& y : r.years) CHECK(y.cash == q(100));
  CHECK(r.summary.deadline_missed);
  CHECK(r.summary.refund_owed == 0);
  CHECK(r.summary.total_other[0] == q(104));
}

TEST_CASE("option: exercised in its year only when that year's revenue meets the rule") {
  // Round 100 in 2025; options of 50 in 2026 (revenue 200 >= 200: exercised) and 30 in
  // 2027 (revenue 400 < 500: not). late's cap 3× invested: 300, 450, 450.
  auto r = run(doc(R"({"late": {"cap": {"multiple": 3}}, "owner": {"residual": true}})",
                   R"([{"split": {"late": "50%", "owner": "50%"}}])", R"({
    "first_year": 2025, "last_year": 2027, "discount_rate": 0,
    "revenue": {"amounts": {"2025": 100, "2026": 200, "2027": 400}}})",
                   R"(, "rounds": [{"date": "2025-03-01", "amount": 100, "joins": "late",
        "options": [{"investor": "T", "amount": 50, "year": 2026, "if_revenue_at_least": 200},
                    {"investor": "T", "amount": 30, "year": 2027, "if_revenue_at_least": 500}]}])"));
  const std::vector<Rational> raised = {q(100), q(50), q(0)};
  const std::vector<Rational> caps = {q(300), q(450), q(450)};
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(r.years[i].raised_rounds == raised[i]);
    CHECK(r.years[i].invested[0] == raised[i]);
    CHECK(r.years[i].caps[0] == caps[i]);
  }
  CHECK(r.summary.invested_total[0] == q(150));
}

TEST_CASE("conversion with given equity: from its year, payouts follow equity and caps stop") {
  // a: absolute cap 20, half of every dollar before the conversion.
  //   2025: profit 100: a reaches 20 after 40, the rest to owner: a 20, owner 80.
  //   2026 (converted): profit 100 by equity 25/75: a 25 (above its old cap), owner 75.
  //   2027: profit 100: a 25, owner 75; terminal value 1 × 100: a 25, owner 75.
  auto r = run(doc(R"({"a": {"invested": 10, "cap": 20}, "owner": {"residual": true}})",
                   R"([{"split": {"a": "50%", "owner": "50%"}}])", R"({
    "first_year": 2025, "last_year": 2027, "discount_rate": 0,
    "revenue": {"amounts": {"2025": 100, "2026": 100, "2027": 100}},
    "terminal_value": {"multiple": 1}})",
                   R"(, "conversion": {"date": 2026, "equity": {"a": "25%", "owner": "75%"}})"));
  CHECK_FALSE(r.years[0].converted);
  CHECK(r.years[0].received[0] == q(20));
  CHECK(r.years[0].at_cap[0] == 1);
  CHECK(r.years[1].converted);
  CHECK(r.years[1].received[0] == q(25));
  CHECK(r.years[1].received[1] == q(75));
  CHECK(r.years[1].at_cap[0] == 0);
  CHECK(r.years[2].received[0] == q(50));  // 25 of profit + 25 of terminal value
  CHECK(r.summary.terminal_claim[0] == q(25));
  CHECK(r.summary.total_received[0] == q(95));
  CHECK(r.summary.total_received[1] == q(305));
  CHECK(r.summary.ended_at_cap[0] == 0);
}

TEST_CASE("conversion from claims: equity is each holder's share of the valuation pushed through") {
  // a: cap 30; tier 1 gives a the first 10, tier 2 splits a 50 / b 25 / owner 25.
  //   2025: profit 20: a 10 + 5, b 2.5, owner 2.5. a stands at 15.
  //   2026, conversion with valuation 200 from that state: a needs 15 more to its cap,
  //   i.e. 30 of profit (a 15, b 7.5, owner 7.5); the other 170 at a's cap: b 25 %,
  //   owner 75 % (a's half overflows to the residual): b 42.5, owner 127.5.
  //   Claims a 15, b 50, owner 135 of 200: equity 7.5 %, 25 %, 67.5 %.
  //   Profit 100 in 2026: a 7.5, b 25, owner 67.5.
  auto r = run(
      doc(R"({"a": {"invested": 10, "cap": 30}, "b": {}, "owner": {"residual": true}})",
          R"([{"split": {"a": 1}, "size": 10},
                       {"split": {"a": "50%", "b": "25%", "owner": "25%"}}])",
          R"({
    "first_year": 2025, "last_year": 2026, "discount_rate": 0,
    "revenue": {"amounts": {"2025": 20, "2026": 100}}})",
          R"(, "conversion": {"date": "2026-07-01", "equity_from_claims": {"valuation": 200}})"));
  CHECK(r.years[0].received == std::vector<Rational>{q(15), q(5, 2), q(5, 2)});
  CHECK(r.years[1].converted);
  CHECK(r.years[1].received == std::vector<Rational>{q(15, 2), q(25), q(135, 2)});
}

TEST_CASE("conversion from claims uses the caps in force in the conversion year") {
  // Regression: the claims were once measured against the previous year's caps. Same
  // scenario as above with caps doubling from 2026 (cap growth 100 %): a's cap in 2026 is
  // 60, so of the valuation 200: a needs 45 more -> 90 of profit (a 45, b 22.5, owner
  // 22.5); the other 110: b 27.5, owner 82.5. Claims a 45, b 50, owner 105: equity
  // 22.5 %, 25 %, 52.5 %. Profit 100 in 2026: a 22.5, b 25, owner 52.5.
  auto r = run(doc(R"({"a": {"invested": 10, "cap": 30}, "b": {}, "owner": {"residual": true}})",
                   R"([{"split": {"a": 1}, "size": 10},
                       {"split": {"a": "50%", "b": "25%", "owner": "25%"}}])",
                   R"({
    "first_year": 2025, "last_year": 2026, "discount_rate": 0,
    "revenue": {"amounts": {"2025": 20, "2026": 100}},
    "cap_growth": {"rate": "100%", "from_year": 2026}})",
                   R"(, "conversion": {"date": 2026, "equity_from_claims": {"valuation": 200}})"));
  CHECK(r.years[1].received == std::vector<Rational>{q(45, 2), q(25), q(105, 2)});
}

TEST_CASE("terminal value: a multiple of the last year's profit, or a growing perpetuity") {
  const char* holders = R"({"a": {"invested": 10, "cap": 30}, "owner": {"residual": true}})";
  const char* tiers = R"([{"split": {"a": "50%", "owner": "50%"}}])";
  // Last-year profit 100, distributed: a 50 → a at its cap of 30 after 60, owner 70.
  // Multiple 5: terminal value 500, all to owner (a is at its cap).
  auto m = run(doc(holders, tiers, R"({
    "first_year": 2025, "last_year": 2025, "discount_rate": "10%",
    "revenue": {"amounts": {"2025": 100}}, "terminal_value": {"multiple": 5}})"));
  CHECK(m.years[0].terminal_value == q(500));
  CHECK(m.summary.terminal_claim == std::vector<Rational>{q(0), q(500)});
  CHECK(m.summary.total_received == std::vector<Rational>{q(30), q(570)});
  // Perpetuity at r = 10 %, g = 2 %: 100 × 1.02 / 0.08 = 1275.
  auto p = run(doc(holders, tiers, R"({
    "first_year": 2025, "last_year": 2025, "discount_rate": "10%",
    "revenue": {"amounts": {"2025": 100}}, "terminal_value": {"perpetuity_growth": "2%"}})"));
  CHECK(p.years[0].terminal_value == q(1275));
  // A loss in the last year gives no terminal value.
  auto l = run(doc(holders, tiers, R"({
    "first_year": 2025, "last_year": 2025, "discount_rate": "10%",
    "revenue": {"amounts": {"2025": 100}}, "costs": {"c": {"amounts": {"2025": 150}}},
    "terminal_value": {"multiple": 5}})"));
  CHECK(l.years[0].terminal_value == 0);
  // The terminal value is a claim, not cash: cash only moves by the year's result.
  CHECK(p.years[0].cash == q(0));
}

TEST_CASE("present value: every flow at year end, discounted to the end of valuation_year") {
  // Receipts 110 (2025) and 121 (2026) at 10 %:
  //   to the end of 2024 (the default): 110/1.1 + 121/1.21 = 200
  //   to the end of 2025: 110 + 121/1.1 = 220
  const std::string base = R"({
    "first_year": 2025, "last_year": 2026, "discount_rate": "10%",
    "revenue": {"amounts": {"2025": 110, "2026": 121}})";
  auto r = run(doc(kOwnerOnly, "[]", base + "}"));
  CHECK(r.summary.pv[0] == q(200));
  auto s = run(doc(kOwnerOnly, "[]", base + R"(, "valuation_year": 2025})"));
  CHECK(s.summary.pv[0] == q(220));
}

TEST_CASE("funding: credit line first, then new rounds; peak need counts no outside money") {
  // cash floor 20; opening cash 50; credit line 30 at 10 %, drawable 2025-2026; new
  // rounds join late.
  //   2025: NI -100 -> cash -50, need 70: draw 30, new round 40 -> cash 20.
  //   2026: interest 3; NI 0 - 17 - 3 = -20 -> cash 0, need 20; the line is full:
  //         new round 20 -> cash 20.
  //   2027: interest 3; NI 103 - 3 = 100; cumulative -20: nothing distributable.
  //         cash 120 >= floor: repay the line, 30 -> cash 90.
  // Without outside money (shadow cash, credit interest added back):
  //   50 - 100 = -50 (need 70); -50 - 20 + 3 = -67 (need 87); -67 + 100 + 3 = 36.
  auto r = run(doc(R"({"late": {"cap": {"multiple": 2}}, "owner": {"residual": true}})",
                   R"([{"split": {"late": "50%", "owner": "50%"}}])", R"({
    "first_year": 2025, "last_year": 2027, "discount_rate": 0, "opening_cash": 50,
    "revenue": {"amounts": {"2025": 0, "2026": 0, "2027": 103}},
    "costs": {"c": {"amounts": {"2025": 100, "2026": 17, "2027": 0}}},
    "funding": {"cash_floor": 20,
                "credit_line": {"size": 30, "rate": "10%", "until_year": 2026},
                "new_rounds": {"joins": "late", "valuation_revenue_multiple": 10}}})"));
  const auto& y = r.years;
  CHECK(y[0].funding_need == q(70));
  CHECK(y[0].credit_drawn == q(30));
  CHECK(y[0].raised_new_rounds == q(40));
  CHECK(y[0].invested[0] == q(40));
  CHECK(y[0].cash == q(20));
  CHECK(y[1].interest == q(3));
  CHECK(y[1].funding_need == q(20));
  CHECK(y[1].credit_drawn == 0);
  CHECK(y[1].raised_new_rounds == q(20));
  CHECK(y[1].credit_balance == q(30));
  CHECK(y[2].interest == q(3));
  CHECK(y[2].net_income == q(100));
  CHECK(y[2].distributable == 0);
  CHECK(y[2].credit_repaid == q(30));
  CHECK(y[2].credit_balance == 0);
  CHECK(y[2].cash == q(90));
  for (const auto& x : y) CHECK(x.unfunded == 0);
  CHECK(r.summary.invested_total[0] == q(60));
  CHECK(r.summary.total_funding_need == q(90));
  CHECK(r.summary.peak_funding_need == q(87));
}

TEST_CASE("funding: a need nothing covers is a default; cash below zero in that year only") {
  // Cash 10, a loss of 40, no credit line, no new rounds: 30 below zero, 35 below the
  // floor. The company defaults in 2025; in 2026 nothing happens (revenue 100 is lost).
  auto r = run(doc(kOwnerOnly, "[]", R"({
    "first_year": 2025, "last_year": 2026, "discount_rate": 0, "opening_cash": 10,
    "revenue": {"amounts": {"2025": 0, "2026": 100}}, "costs": {"c": {"amounts": {"2025": 40, "2026": 0}}},
    "funding": {"cash_floor": 5}})"));
  CHECK(r.years[0].cash == q(-30));
  CHECK(r.years[0].funding_need == q(35));
  CHECK(r.years[0].unfunded == q(30));
  CHECK(r.years[0].defaulted);
  CHECK(r.summary.default_index == 0);
  CHECK(r.summary.peak_funding_need == q(35));
  CHECK(r.years[1].defaulted);
  CHECK(r.years[1].revenue == 0);
  CHECK(r.years[1].cash == 0);
  CHECK(r.years[1].received[0] == 0);
}

TEST_CASE("funding: with on_shortfall external, outside money covers the need, no default") {
  auto r = run(doc(kOwnerOnly, "[]", R"({
    "first_year": 2025, "last_year": 2025, "discount_rate": 0, "opening_cash": 10,
    "revenue": {"amounts": {"2025": 0}}, "costs": {"c": {"amounts": {"2025": 40}}},
    "funding": {"cash_floor": 5, "on_shortfall": "external"}})"));
  CHECK(r.years[0].cash == q(5));
  CHECK(r.years[0].funding_need == q(35));
  CHECK(r.years[0].external_funding == q(35));
  CHECK(r.years[0].unfunded == 0);
  CHECK(!r.years[0].defaulted);
  CHECK(r.summary.default_index == -1);
  CHECK(r.summary.peak_funding_need == q(35));
}

// ---------------------------------------------------------------------------------------
// Default, seniority, investors with their own holders, notes (issue 15).

namespace {
const char* kOwnerAndLate = R"({"owner": {"residual": true}, "late": {}, "partner": {}})";
const char* kHalfLate = R"([{"split": {"late": "50%", "partner": "25%", "owner": "25%"}}])";
}  // namespace

TEST_CASE("default: the credit line first, then the refund due, in part; nothing after") {
  // 2025: cost 15, the line (size 20) lends 15: cash 0, balance 15.
  // 2026: round 100 joins late, its deadline 2026-06-30 is missed (no conversion): the
  //       refund of 100 falls due; cost 50. Cash 0 - 50 + 100 - 100 = -50; within reach
  //       -50 + (20 - 15) = -45 < 0: default. Assets = cash before the refund = 50:
  //       15 to the line, 35 of the 100 refund (65 unpaid), nothing to the holders.
  auto r = run(doc(kOwnerAndLate, kHalfLate, R"({
    "first_year": 2025, "last_year": 2027, "discount_rate": 0,
    "revenue": {"amounts": {"2025": 0, "2026": 0, "2027": 500}},
    "costs": {"c": {"amounts": {"2025": 15, "2026": 50, "2027": 0}}},
    "funding": {"credit_line": {"size": 20, "rate": 0}}})",
                   R"(, "rounds": [{"date": "2026-01-01", "amount": 100, "joins": "late",
      "conversion_deadline": "2026-06-30", "if_missed": {"remedy": "refund"}}])"));
  CHECK(r.years[0].credit_drawn == q(15));
  CHECK(r.years[0].cash == 0);
  CHECK(!r.years[0].defaulted);
  const auto& y = r.years[1];
  CHECK(y.defaulted);
  CHECK(r.summary.default_index == 1);
  CHECK(y.cash == q(-50));
  CHECK(y.unfunded == q(45));
  CHECK(y.credit_repaid == q(15));
  CHECK(y.credit_balance == 0);
  CHECK(y.refunds == q(35));
  CHECK(y.refund_unpaid == q(65));
  CHECK(y.other[1] == q(35));
  CHECK(r.summary.refund_owed == q(100));
  CHECK(r.summary.refund_unpaid == q(65));
  CHECK(y.distributed == 0);
  // 2027's revenue of 500 never happens.
  CHECK(r.years[2].defaulted);
  CHECK(r.years[2].revenue == 0);
  CHECK(r.years[2].cash == 0);
  for (const auto& x : r.years[2].received) CHECK(x == 0);
  CHECK(r.summary.total_received[0] == 0);
}

TEST_CASE("investors: each part of a round joins its own holder, and is refunded to it") {
  // 100 = late 70 + partner 30 (an investor with its own "joins"). The deadline is
  // missed with new rounds open: each holder gets its own part back.
  auto r = run(doc(kOwnerAndLate, kHalfLate, R"({
    "first_year": 2025, "last_year": 2026, "discount_rate": 0, "opening_cash": 1000,
    "revenue": {"amounts": {"2025": 0, "2026": 0}}})",
                   R"(, "rounds": [{"date": "2025-01-01", "amount": 100, "joins": "late",
      "investors": {"A": 70, "B": {"amount": 30, "joins": "partner"}},
      "conversion_deadline": "2026-06-30", "if_missed": {"remedy": "refund"}}])"));
  CHECK(r.years[0].invested[1] == q(70));
  CHECK(r.years[0].invested[2] == q(30));
  CHECK(r.years[1].other[1] == q(70));
  CHECK(r.years[1].other[2] == q(30));
  CHECK(r.summary.refund_owed == q(100));
  CHECK(r.summary.default_index == -1);
}

TEST_CASE("new rounds before the conversion: notes repaid first, the rest becomes equity") {
  // 2025: loss 60, floor 0: a new round of 60 is a note from `late` at 10 %.
  // 2026: interest 6; profit 106 - 6 = 100: the note's 60 first, 40 to the waterfall.
  auto r = run(doc(kOwnerAndLate, kHalfLate, R"({
    "first_year": 2025, "last_year": 2026, "discount_rate": 0,
    "revenue": {"amounts": {"2025": 0, "2026": 106}},
    "costs": {"c": {"amounts": {"2025": 60, "2026": 0}}},
    "funding": {"new_rounds": {"joins": "late", "valuation_revenue_multiple": 10,
                               "before_conversion": {"as": "debt", "interest_rate": "10%"}}}})"));
  CHECK(r.years[0].raised_new_rounds == q(60));
  CHECK(r.years[0].debt_balance == q(60));
  CHECK(r.years[1].interest == q(6));
  CHECK(r.years[1].debt_repaid == q(40));  // cumulative result 100 - 60 = 40 is new profit
  CHECK(r.summary.invested_total[1] == q(60));
  CHECK(r.summary.total_other[1] == q(46));
  CHECK(r.summary.default_index == -1);
}

TEST_CASE("money with no claim is refused, with its pointer") {
  const std::string bad =
      doc(R"({"owner": {"residual": true}, "late": {}, "idle": {}})",
          R"([{"split": {"late": "50%", "owner": "50%"}}])", R"({
    "first_year": 2025, "last_year": 2026, "discount_rate": 0,
    "revenue": {"amounts": {"2025": 0, "2026": 0}}})",
          R"(, "rounds": [{"date": "2025-01-01", "amount": 100, "joins": "idle"}])");
  namespace fs = std::filesystem;
  const fs::path path =
      fs::temp_directory_path() / ("capflow-claim-test-" + std::to_string(::getpid()) + ".json");
  {
    std::ofstream f(path);
    f << bad;
  }
  auto loaded = capflow::load_scenario(path.string());
  fs::remove(path);
  CHECK(!loaded.scenario.has_value());
  REQUIRE(loaded.diagnostics.size() == 1);
  const std::string text = to_string(loaded.diagnostics[0]);
  CHECK(text.find("/rounds/0: ") != std::string::npos);
  CHECK(text.find("money joining \"idle\" has no claim") != std::string::npos);
}
