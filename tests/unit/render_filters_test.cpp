// The formatting filters of `capflow render` and the pointer syntax of its templates.

#include <doctest/doctest.h>

#include <cmath>

#include <nlohmann/json.hpp>
#include <string>

#include "capflow/whatif/template.hpp"
#include "capflow/whatif/value_format.hpp"

using capflow::Rational;
using json = nlohmann::ordered_json;

namespace {

Rational r(const std::string& text) {
  return *capflow::exact_number(text);
}

std::string filter(const json& v, const std::string& f) {
  auto out = capflow::apply_filter(v, f);
  REQUIRE_MESSAGE(out.ok(), out.error());
  return out.value();
}

std::string filter_error(const json& v, const std::string& f) {
  auto out = capflow::apply_filter(v, f);
  REQUIRE_FALSE(out.ok());
  return out.error();
}

}  // namespace

TEST_CASE("money: four significant digits with K/M/B/T, trailing zeros dropped") {
  CHECK(capflow::format_money_compact(r("184512345678")) == "$184.5B");
  CHECK(capflow::format_money_compact(r("92000000000")) == "$92B");
  CHECK(capflow::format_money_compact(r("1019667005290.996")) == "$1.02T");
  CHECK(capflow::format_money_compact(r("17300000000")) == "$17.3B");
  CHECK(capflow::format_money_compact(r("194000000")) == "$194M");
  CHECK(capflow::format_money_compact(r("999.999")) == "$1K");
  CHECK(capflow::format_money_compact(r("-0.004")) == "$0");
  CHECK(capflow::format_money_compact(r("1234")) == "$1.234K");
  CHECK(capflow::format_money_compact(r("950")) == "$950");
  CHECK(capflow::format_money_compact(r("12.5")) == "$12.50");
  CHECK(capflow::format_money_compact(r("0")) == "$0");
  CHECK(capflow::format_money_compact(r("-3100000")) == "-$3.1M");
  // Rounding that carries into the next unit.
  CHECK(capflow::format_money_compact(r("999960000000")) == "$1T");
  CHECK(capflow::format_money_compact(r("999999")) == "$1M");
  CHECK(capflow::format_money_compact(r("1234567890123456")) == "$1235T");
}

TEST_CASE(
    "summary tables: money to three significant digits, probabilities never 0% or 100% "
    "unless exact") {
  using capflow::format_money_summary;
  using capflow::format_probability;
  CHECK(format_money_summary(29119) == "$29.1K");
  CHECK(format_money_summary(2.3e6) == "$2.3M");
  CHECK(format_money_summary(361.31e9) == "$361B");
  CHECK(format_money_summary(-1.0234e12) == "-$1.02T");
  CHECK(format_money_summary(999.6e9) == "$1T");
  CHECK(format_money_summary(0) == "$0");
  CHECK(format_money_summary(std::nan("")) == "n/a");
  CHECK(format_probability(0) == "0.0%");
  CHECK(format_probability(0.0001) == "<0.1%");
  CHECK(format_probability(0.0005) == "0.1%");
  CHECK(format_probability(0.31) == "31.0%");
  CHECK(format_probability(0.9995) == ">99.9%");
  CHECK(format_probability(0.99999) == ">99.9%");
  CHECK(format_probability(1) == "100.0%");
}

TEST_CASE("money:full, pct, int, year, fixed") {
  CHECK(capflow::format_money_full(r("1234567.891")) == "$1,234,567.89");
  CHECK(capflow::format_money_full(r("-0.005")) == "-$0.01");
  CHECK(capflow::format_money_full(r("92000000000")) == "$92,000,000,000.00");
  CHECK(capflow::format_pct(r("0.3105")) == "31.1%");
  CHECK(capflow::format_pct(r("0.0005"), 2) == "0.05%");
  CHECK(capflow::format_pct(r("1")) == "100.0%");
  CHECK(capflow::format_int(r("1234567.5")) == "1,234,568");
  CHECK(capflow::format_int(r("-1234.4")) == "-1,234");
  CHECK(capflow::format_int(r("12")) == "12");
  CHECK(capflow::format_year(r("2031")) == "2031");
  CHECK(capflow::format_year(r("2030.6")) == "2031");
}

TEST_CASE("filters read numbers exactly, from JSON numbers and from decimal strings") {
  CHECK(filter(json(27475593581.6215), "money") == "$27.48B");
  CHECK(filter(json("92000000000.00"), "money:full") == "$92,000,000,000.00");
  CHECK(filter(json(0.241), "pct") == "24.1%");
  CHECK(filter(json(0.241), "pct:2") == "24.10%");
  CHECK(filter(json(78.4359234865), "fixed:1") == "78.4");
  CHECK(filter(json(78.4359234865), "fixed") == "78.44");
  CHECK(filter(json(2029), "year") == "2029");
  CHECK(filter(json(2000), "int") == "2,000");
  CHECK(filter(json("Microsoft"), "") == "Microsoft");
  CHECK(filter(json("Microsoft"), "raw") == "Microsoft");
  CHECK(filter(json(0.1), "raw") == "0.1");
  CHECK(filter(json(true), "raw") == "true");
}

TEST_CASE("filter errors say what is wrong") {
  CHECK(filter_error(json(1), "dollars").starts_with("unknown filter \"dollars\""));
  CHECK(filter_error(json(1), "money:short").starts_with("unknown filter \"money:short\""));
  CHECK(filter_error(json(1), "pct:x") == "filter pct:N takes a number of decimals from 0 to 99");
  CHECK(filter_error(json("Microsoft"), "money")
            .starts_with("is a string (\"Microsoft\"), not a number"));
  CHECK(filter_error(json(nullptr), "money").starts_with("is null"));
  CHECK(filter_error(json{{"mean", 1}}, "money") == "is an object, not a value; its keys: mean");
}

TEST_CASE("pointers: object keys, array indices, [key=value] selection, escapes") {
  const json doc = json::parse(R"({
    "allocations": [ {"profit": "500000000000.00", "holders": {"microsoft": {"received": "92000000000.00"}}},
                     {"profit": "1000000000000.00", "holders": {"microsoft": {"received": "92000000000.00"}}} ],
    "years": [ {"year": 2028, "revenue": "1.00"}, {"year": 2029, "revenue": "2.00"} ],
    "a/b": {"~x": 7} })");
  auto get = [&](const std::string& p) {
    auto v = capflow::resolve_pointer(doc, p);
    REQUIRE_MESSAGE(v.ok(), v.error());
    return *v.value();
  };
  CHECK(get("/allocations/1/profit") == "1000000000000.00");
  CHECK(get("/allocations/[profit=500B]/holders/microsoft/received") == "92000000000.00");
  CHECK(get("/allocations/[profit=500000000000.00]/profit") == "500000000000.00");
  CHECK(get("/years/[year=2029]/revenue") == "2.00");
  CHECK(get("/a~1b/~0x") == 7);
  auto err = [&](const std::string& p) {
    auto v = capflow::resolve_pointer(doc, p);
    REQUIRE_FALSE(v.ok());
    return v.error();
  };
  CHECK(err("/holders") == "no \"holders\" in the result (its keys: allocations, years, a/b)");
  CHECK(err("/allocations/2") == "/allocations has 2 elements, no 2");
  CHECK(err("/allocations/first").starts_with("/allocations is an array: index it by a number"));
  CHECK(err("/years/[year=2030]") == "no element of /years has \"year\" equal to 2030");
  CHECK(err("/years/0/year/x") == "/years/0/year is a number, so it has no \"x\"");
}

TEST_CASE("templates: placeholders, sources, escapes, and located errors") {
  const json run =
      json::parse(R"({"holders": {"microsoft": {"p_cap": 0.31, "pv": {"p50": 155424129024.0}}}})");
  const json wf =
      json::parse(R"({"allocations": [{"holders": {"nonprofit": {"received": "1234567.891"}}}]})");
  capflow::TemplateSources sources;
  sources.unnamed = &run;
  sources.named["wf"] = &wf;
  auto ok = capflow::render_template("P = {{ /holders/microsoft/p_cap | pct }}, PV {{run:/x}}",
                                     "t.md", {&run, {{"run", &run}}});
  CHECK(ok.diagnostics.size() == 1);  // run:/x does not exist
  auto out = capflow::render_template(
      "P(cap) {{ /holders/microsoft/p_cap | pct }}; median PV "
      "{{/holders/microsoft/pv/p50|money}};\n"
      "nonprofit {{ wf:/allocations/0/holders/nonprofit/received | money:full }} \\{{ literal }}",
      "t.md", sources);
  REQUIRE(out.diagnostics.empty());
  CHECK(out.text == "P(cap) 31.0%; median PV $155.4B;\nnonprofit $1,234,567.89 {{ literal }}");
  CHECK(out.placeholders == 3);

  auto bad = capflow::render_template(
      "ok\n  {{ /holders/msft | money }} and {{ x:/a }}\n{{ /holders", "t.md", sources);
  REQUIRE(bad.diagnostics.size() == 3);
  CHECK(capflow::to_string(bad.diagnostics[0]) ==
        "t.md:2:3: {{ /holders/msft | money }}: no \"msft\" in /holders (its keys: microsoft)");
  CHECK(capflow::to_string(bad.diagnostics[1]) ==
        "t.md:2:35: {{ x:/a }}: unknown source \"x\"; --results name=FILE gave: wf");
  CHECK(capflow::to_string(bad.diagnostics[2]) ==
        "t.md:3:1: unterminated placeholder: \"{{\" without a closing \"}}\"");
}

TEST_CASE("render: result numbers beyond money's limits are still numbers") {
  // 2e18 is above what money text accepts and 1e-70 has an exponent past 60; as result
  // values they are numbers all the same (the double they denote, exactly).
  REQUIRE(capflow::exact_number("2e18").has_value());
  CHECK(*capflow::exact_number("2e18") == Rational(2000000000000000000LL));
  REQUIRE(capflow::exact_number("1e-70").has_value());
  CHECK(*capflow::exact_number("1e-70") > 0);
  CHECK_FALSE(capflow::exact_number("92B").has_value());
  CHECK_FALSE(capflow::exact_number("1e999").has_value());
}
