// IRR and NPV (model/capflow/projection/irr.hpp) against textbook cases and the edge cases
// docs/model.md describes: no sign change, total loss, several sign changes.

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "capflow/projection/irr.hpp"

using capflow::CashFlow;
using capflow::irr;
using capflow::npv;

TEST_CASE("npv: discounts every flow to the year of the earliest one") {
  CHECK(npv(0.10, {{2020, -100}, {2021, 110}}) == doctest::Approx(0.0).epsilon(1e-12));
  CHECK(npv(0.0, {{2021, 5}, {2020, -3}}) == doctest::Approx(2.0));
  // 121 two years after the first flow at 10 %: 100.
  CHECK(npv(0.10, {{2030, 0}, {2032, 121}}) == doctest::Approx(100.0));
  CHECK(npv(0.10, {}) == 0.0);
}

TEST_CASE("irr: -100 then +110 is 10 %") {
  auto r = irr({{2020, -100}, {2021, 110}});
  REQUIRE(r.rate.has_value());
  CHECK(*r.rate == doctest::Approx(0.10).epsilon(1e-12));
  CHECK(r.note.empty());
}

TEST_CASE("irr: -1000 then three years of +500 is 23.375 %") {
  auto r = irr({{2020, -1000}, {2021, 500}, {2022, 500}, {2023, 500}});
  REQUIRE(r.rate.has_value());
  // 1000 = 500 (v + v² + v³), v = 1 / (1 + r): r = 0.2337519285...
  CHECK(std::abs(*r.rate - 0.2337519285282587) < 1e-10);
  CHECK(npv(*r.rate, {{2020, -1000}, {2021, 500}, {2022, 500}, {2023, 500}}) ==
        doctest::Approx(0.0).scale(1000).epsilon(1e-9));
}

TEST_CASE("irr: flows in the same year are netted; order of the input does not matter") {
  auto r = irr({{2021, 60}, {2020, -100}, {2021, 50}});
  REQUIRE(r.rate.has_value());
  CHECK(*r.rate == doctest::Approx(0.10).epsilon(1e-12));
}

TEST_CASE("irr: a loss gives a negative rate, and money back with nothing more is 0 %") {
  auto half = irr({{2020, -100}, {2021, 50}});
  REQUIRE(half.rate.has_value());
  CHECK(*half.rate == doctest::Approx(-0.5).epsilon(1e-12));
  auto flat = irr({{2024, -6.6e9}, {2025, -1e9}, {2026, 7.6e9}});
  REQUIRE(flat.rate.has_value());
  CHECK(std::abs(*flat.rate) < 1e-12);
}

TEST_CASE("irr: no money paid in is undefined, with the reason") {
  auto r = irr({{2020, 100}, {2021, 110}});
  CHECK_FALSE(r.rate.has_value());
  CHECK(r.note == "no money paid in: IRR is undefined");
  // Nothing at all (or flows that net to zero) is the same case.
  auto none = irr({{2020, -100}, {2020, 100}});
  CHECK_FALSE(none.rate.has_value());
  CHECK(none.note == "no money paid in: IRR is undefined");
  CHECK_FALSE(irr({}).rate.has_value());
}

TEST_CASE("irr: money in and nothing back is a total loss, exactly -100 %") {
  auto r = irr({{2020, -100}, {2022, -50}});
  REQUIRE(r.rate.has_value());
  CHECK(*r.rate == -1.0);
  CHECK(r.note == "nothing received: a total loss");
}

TEST_CASE("irr: several sign changes give a root with a note that it may not be unique") {
  // -100, +230, -132: NPV = 0 at 10 % and at 20 %, negative on both sides. Regression:
  // both roots lie in one cell of the coarse grid, which alone found no sign change and
  // reported no IRR at all.
  std::vector<CashFlow> flows = {{2020, -100}, {2021, 230}, {2022, -132}};
  auto r = irr(flows);
  REQUIRE(r.rate.has_value());
  const bool a_root = std::abs(*r.rate - 0.10) < 1e-9 || std::abs(*r.rate - 0.20) < 1e-9;
  CHECK(a_root);
  CHECK(r.note == "cash flows change sign more than once: the IRR may not be unique");
}
