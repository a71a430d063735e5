// capflow diff's model side: input differences after extends and --set, exact
// comparisons of waterfalls and projections, Monte Carlo on common random numbers
// (paired standard errors), saved outputs key by key, and tolerances.

#include <doctest/doctest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "capflow/whatif/paired_run.hpp"
#include "capflow/whatif/result_diff.hpp"
#include "capflow/whatif/scenario_diff.hpp"

using capflow::Comparison;
using capflow::Scenario;
using capflow::Tolerance;

namespace {

const std::string kSource = CAPFLOW_SOURCE_DIR;

Scenario load(const std::string& name, std::vector<capflow::Override> overrides = {}) {
  auto loaded = capflow::load_scenario(kSource + "/scenarios/" + name, overrides);
  REQUIRE(loaded.scenario.has_value());
  return *loaded.scenario;
}

const Comparison& find(const std::vector<Comparison>& v, const std::string& pointer) {
  for (const auto& c : v) {
    if (c.pointer == pointer) return c;
  }
  FAIL("no comparison " << pointer);
  return v.front();
}

Tolerance tol(const std::string& text) {
  auto t = Tolerance::parse(text);
  REQUIRE_MESSAGE(t.ok(), t.error());
  return t.value();
}

}  // namespace

TEST_CASE("diff inputs: a scenario against itself has no changes") {
  const Scenario a = load("openai-2024-round.json");
  const auto d = capflow::diff_inputs(a.document, a.document);
  CHECK(d.changes.empty());
  CHECK(d.descriptive == 0);
}

TEST_CASE("diff inputs: one --set is found at its pointer, with old and new values") {
  const Scenario a = load("openai-wsj-2023.json");
  const Scenario b = load("openai-wsj-2023.json", {{"holders.microsoft.cap", "120B"}});
  const auto d = capflow::diff_inputs(a.document, b.document);
  REQUIRE(d.changes.size() == 1);
  CHECK(d.changes[0].pointer == "/holders/microsoft/cap");
  CHECK(d.changes[0].a == "\"92B\"");
  CHECK(d.changes[0].b == "\"120B\"");
  // The same amount written another way is no change.
  const Scenario c = load("openai-wsj-2023.json", {{"holders.microsoft.cap", "92000000000"}});
  CHECK(capflow::diff_inputs(a.document, c.document).changes.empty());
}

TEST_CASE("diff inputs: extends is resolved before comparing (Fortune against WSJ)") {
  const Scenario wsj = load("openai-wsj-2023.json");
  const Scenario fortune = load("openai-fortune-2023.json");
  const auto d = capflow::diff_inputs(wsj.document, fortune.document);
  CHECK_FALSE(d.changes.empty());
  for (const auto& c : d.changes) {
    CAPTURE(c.pointer);
    CHECK(c.pointer.find("/extends") == std::string::npos);
    CHECK(c.pointer.find("/sources") == std::string::npos);  // descriptive: counted only
  }
  CHECK(d.descriptive > 0);
}

TEST_CASE("diff waterfalls: exact at every breakpoint; itself equal, Fortune differs") {
  const Scenario wsj = load("openai-wsj-2023.json");
  const Scenario fortune = load("openai-fortune-2023.json");
  for (const auto& c : capflow::compare_waterfalls(wsj, wsj, {})) {
    CAPTURE(c.pointer);
    CHECK_FALSE(capflow::differs(c, tol("0")));
  }
  const auto cmp = capflow::compare_waterfalls(wsj, fortune, {capflow::Rational(500'000'000'000)});
  std::size_t differing = 0;
  for (const auto& c : cmp)
    if (capflow::differs(c, tol("0"))) ++differing;
  CHECK(differing > 0);
  const Comparison& cap = find(cmp, "/caps/microsoft/cap");
  CHECK(cap.a_exact == capflow::Rational(92'000'000'000));
  // Money is conserved on both sides at every compared profit.
  const Comparison& at500 = find(cmp, "/allocations/500000000000.00/holders/nonprofit/received");
  CHECK(at500.a_exact.has_value());
  CHECK(at500.b_exact.has_value());
}

TEST_CASE("diff projections: exact, itself equal, --set of the discount rate moves only PVs") {
  const Scenario a = load("openai-2024-round.json");
  const Scenario b = load("openai-2024-round.json", {{"projection.discount_rate", "12%"}});
  for (const auto& c : capflow::compare_projections(a, a))
    CHECK_FALSE(capflow::differs(c, tol("0")));
  const auto cmp = capflow::compare_projections(a, b);
  for (const auto& c : cmp) {
    CAPTURE(c.pointer);
    const bool is_pv = c.pointer.ends_with("/pv");
    if (!is_pv) CHECK_FALSE(capflow::differs(c, tol("0")));
  }
  CHECK(capflow::differs(find(cmp, "/holders/microsoft/pv"), tol("0")));
}

TEST_CASE("paired run: a scenario against itself is exactly zero, with zero paired error") {
  const Scenario a = load("openai-2024-round.json");
  const capflow::MonteCarlo mc(a);
  const auto cmp = capflow::run_paired(a, mc, a, mc, {7, 300, 2, nullptr});
  REQUIRE_FALSE(cmp.empty());
  for (const auto& c : cmp) {
    CAPTURE(c.pointer);
    CHECK(*c.difference() == 0);
    CHECK(*c.se_paired == 0);
    CHECK_FALSE(capflow::differs(c, tol("0")));
  }
}

TEST_CASE("paired run: common random numbers make the paired SE smaller than the unpaired") {
  const Scenario a = load("openai-2024-round.json");
  const Scenario b = load("openai-deadline-missed.json");
  const capflow::MonteCarlo ma(a), mb(b);
  const auto cmp = capflow::run_paired(a, ma, b, mb, {42, 2000, 2, nullptr});
  for (const char* p : {"/holders/microsoft/nominal/mean", "/holders/microsoft/pv/mean",
                        "/holders/nonprofit/pv/mean", "/company/cumulative_loss/mean"}) {
    CAPTURE(p);
    const Comparison& c = find(cmp, p);
    CHECK(c.n == 2000);
    CHECK(*c.se_paired < *c.se_unpaired());
  }
  // The difference is of the paired means: B − A, as each side's mean gives it.
  const Comparison& c = find(cmp, "/company/p_deadline_missed");
  CHECK(*c.b > *c.a);
  CHECK(std::fabs(*c.difference() - (*c.b - *c.a)) < 1e-12);
  // The same bits at any thread count.
  const auto one = capflow::run_paired(a, ma, b, mb, {42, 500, 1, nullptr});
  const auto three = capflow::run_paired(a, ma, b, mb, {42, 500, 3, nullptr});
  REQUIRE(one.size() == three.size());
  for (std::size_t i = 0; i < one.size(); ++i) {
    CHECK(*one[i].a == *three[i].a);
    CHECK(*one[i].se_paired == *three[i].se_paired);
  }
}

TEST_CASE("paired run: slices of the paths, gathered, give the whole run's bits") {
  // What the CLI does under MPI: each process runs a slice, one gathers the others'.
  const Scenario a = load("openai-2024-round.json");
  const Scenario b = load("openai-deadline-missed.json");
  const capflow::MonteCarlo ma(a), mb(b);
  const auto whole = capflow::run_paired(a, ma, b, mb, {42, 701, 2, nullptr});
  capflow::PairedRequest tail{42, 401, 1, nullptr};
  tail.first_path = 300;
  nlohmann::json tail_acc;
  tail.gather = [&](const nlohmann::json& mine) {
    tail_acc = mine;
    return std::vector<nlohmann::json>{};
  };
  const auto tail_only = capflow::run_paired(a, ma, b, mb, tail);
  capflow::PairedRequest head{42, 300, 2, nullptr};
  head.gather = [&](const nlohmann::json&) { return std::vector<nlohmann::json>{tail_acc}; };
  const auto merged = capflow::run_paired(a, ma, b, mb, head);
  REQUIRE(merged.size() == whole.size());
  for (std::size_t i = 0; i < whole.size(); ++i) {
    CAPTURE(whole[i].pointer);
    CHECK(merged[i].n == whole[i].n);
    CHECK(*merged[i].a == *whole[i].a);
    CHECK(*merged[i].b == *whole[i].b);
    CHECK(*merged[i].se_paired == *whole[i].se_paired);
  }
  // The slice alone is another sample: at least one mean differs from the whole run's.
  bool some_differ = false;
  for (std::size_t i = 0; i < tail_only.size() && i < whole.size(); ++i) {
    some_differ = some_differ || *tail_only[i].a != *whole[i].a;
  }
  CHECK(some_differ);
}

TEST_CASE("diff outputs: kinds, numeric strings exact, missing keys, informational meta") {
  using json = nlohmann::ordered_json;
  const json a = json::parse(R"({"scenario": {"file": "a.json"}, "allocations": [
      {"profit": "10.00", "holders": {"x": {"received": "4.00", "capped": false}}}]})");
  const json b = json::parse(R"({"scenario": {"file": "b.json"}, "allocations": [
      {"profit": "10.00", "holders": {"x": {"received": "4.01", "capped": true}, "y": {"received": "1"}}}]})");
  CHECK(capflow::output_kind(a) == capflow::OutputKind::waterfall);
  CHECK(capflow::output_kind(json::parse(R"({"meta": {"schema": "capflow/result/v1"}})")) ==
        capflow::OutputKind::run);
  CHECK(capflow::output_kind(json::parse(R"({"x": 1})")) == capflow::OutputKind::unknown);
  const auto cmp = capflow::diff_outputs(a, b);
  CHECK(find(cmp, "/scenario/file").informational);
  const Comparison& r = find(cmp, "/allocations/0/holders/x/received");
  CHECK(*r.b_exact - *r.a_exact == capflow::Rational(1, 100));
  CHECK(capflow::differs(r, tol("0")));
  CHECK_FALSE(capflow::differs(r, tol("0.01")));
  CHECK(capflow::differs(r, tol("0.2%")));
  CHECK_FALSE(capflow::differs(r, tol("0.25%")));
  CHECK(capflow::differs(find(cmp, "/allocations/0/holders/x/capped"), tol("1000")));
  CHECK(capflow::differs(find(cmp, "/allocations/0/holders/y/received"), tol("1000")));
  for (const auto& c : capflow::diff_outputs(a, a)) CHECK_FALSE(capflow::differs(c, tol("0")));
}

TEST_CASE("tolerance: absolute amounts and percentages; negative or malformed are errors") {
  CHECK(tol("5M").absolute == capflow::Rational(5'000'000));
  CHECK(*tol("1%").relative == capflow::Rational(1, 100));
  CHECK_FALSE(Tolerance::parse("-1").ok());
  CHECK_FALSE(Tolerance::parse("-1%").ok());
  CHECK_FALSE(Tolerance::parse("abc").ok());
  CHECK_FALSE(Tolerance::parse("").ok());
}
