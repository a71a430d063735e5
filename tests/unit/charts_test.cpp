// capflow's SVG charts: ticks, labels, log-scale choice, escaping, determinism.

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "capflow_charts/axis.hpp"
#include "capflow_charts/charts.hpp"
#include "capflow_charts/svg.hpp"

using namespace capflow::charts;

TEST_CASE("money labels read like the rest of capflow") {
  CHECK(money_label(0) == "$0");
  CHECK(money_label(10e9) == "$10B");
  CHECK(money_label(100e9) == "$100B");
  CHECK(money_label(1e12) == "$1T");
  CHECK(money_label(1.5e12) == "$1.5T");
  CHECK(money_label(1.25e12) == "$1.25T");
  CHECK(money_label(250e6) == "$250M");
  CHECK(money_label(194e6) == "$194M");
  CHECK(money_label(17.3e9) == "$17.3B");
  CHECK(money_label(-5e9) == "-$5B");
  CHECK(money_label(950) == "$950");
  CHECK(money_label(2500) == "$2.5K");
  // 999.999B rounds to 1000B at two decimals: shown in the next unit instead.
  CHECK(money_label(999.999e9) == "$1T");
  CHECK(percent_label(0.25) == "25%");
  CHECK(percent_label(0.125) == "12.5%");
}

TEST_CASE("nice steps are 1, 2 or 5 times a power of ten") {
  CHECK(nice_step(100, 5) == doctest::Approx(20));
  CHECK(nice_step(10, 5) == doctest::Approx(2));
  CHECK(nice_step(7, 5) == doctest::Approx(2));
  CHECK(nice_step(230e9, 5) == doctest::Approx(50e9));
  CHECK(nice_step(1, 10) == doctest::Approx(0.1));
  CHECK(nice_step(3e12, 6) == doctest::Approx(500e9));
}

TEST_CASE("linear ticks cover the data with round values") {
  const Axis a = make_axis({3e9, 212e9}, Kind::money, false, 5);
  CHECK_FALSE(a.log);
  CHECK(a.lo == 0);
  CHECK(a.hi == doctest::Approx(250e9));
  REQUIRE(a.ticks.size() == 6);
  CHECK(a.ticks[1] == doctest::Approx(50e9));
  CHECK(a.label(a.ticks[2]) == "$100B");
  // Negative values (a cumulative loss) stay on a linear axis with a signed label.
  const Axis b = make_axis({-44e9, 120e9}, Kind::money, true, 5);
  CHECK_FALSE(b.log);
  CHECK(b.lo == doctest::Approx(-50e9));
  CHECK(b.label(-50e9) == "-$50B");
  // Ticks are exact multiples: no 0.30000000000000004 in a label.
  const Axis c = make_axis({0, 0.7}, Kind::percent, false, 7);
  for (double t : c.ticks) CHECK(c.label(t).size() <= 4);
}

TEST_CASE("log scale when positive values span more than two decades") {
  CHECK_FALSE(wants_log(1e9, 99e9));
  CHECK(wants_log(194e6, 300e9));
  CHECK_FALSE(wants_log(0, 300e9));
  const Axis a = make_axis({194e6, 17.5e9, 300e9}, Kind::money, true);
  CHECK(a.log);
  CHECK(a.lo == doctest::Approx(100e6));
  CHECK(a.hi == doctest::Approx(1e12));
  REQUIRE(a.ticks.size() == 5);
  CHECK(a.label(a.ticks[2]) == "$10B");
  CHECK(a.label(a.ticks[3]) == "$100B");
  CHECK(a.label(a.ticks[4]) == "$1T");
  CHECK(a.map(1e9, 0, 400) == doctest::Approx(100));
  // Not allowed: linear even over many decades.
  CHECK_FALSE(make_axis({194e6, 300e9}, Kind::money, false).log);
}

TEST_CASE("a single value or no value still gives a usable axis") {
  const Axis one = make_axis({5e9}, Kind::money, true);
  CHECK(one.lo < 5e9);
  CHECK(one.hi > 5e9);
  const Axis none = make_axis({}, Kind::number, true);
  CHECK(none.lo == 0);
  CHECK(none.hi == 1);
  const Axis years = make_axis({2024, 2035}, Kind::year, false, 8);
  for (double t : years.ticks) CHECK(t == static_cast<long>(t));
  CHECK(years.label(2030) == "2030");
}

TEST_CASE("xml escaping covers markup characters and drops forbidden controls") {
  CHECK(xml_escape("A & B <c> \"d\" 'e'") == "A &amp; B &lt;c&gt; &quot;d&quot; &apos;e&apos;");
  CHECK(xml_escape(std::string("a\x01"
                               "b\tc")) ==
        "a"
        "b\tc");
  CHECK(xml_escape("Über €") == "Über €");
  Svg svg(100, 50, "id\"<x>", "T&C");
  svg.text(1, 2, "</svg><script>");
  const std::string s = svg.str();
  CHECK(s.find("<script>") == std::string::npos);
  CHECK(s.find("id=\"id&quot;&lt;x&gt;\"") != std::string::npos);
  CHECK(s.find("<title>T&amp;C</title>") != std::string::npos);
}

TEST_CASE("coordinates print with at most two decimals and no negative zero") {
  CHECK(px(1.0) == "1");
  CHECK(px(1.239) == "1.24");
  CHECK(px(-0.001) == "0");
  CHECK(px(12.5) == "12.5");
}

TEST_CASE("charts are deterministic and contain their data") {
  LineChart c;
  c.id = "breakpoints";
  c.title = "Receipts <by> holder";
  c.series.push_back({"Microsoft", {0, 1e9, 100e9}, {0, 0.5e9, 92e9}, {1e9}, {0.5e9}, false});
  c.series.push_back({"Nonprofit", {0, 1e9, 100e9}, {0, 0, 8e9}, {}, {}, true});
  c.markers.push_back({50e9, "p50 $50B", 0});
  const std::string a = render(c);
  CHECK(a == render(c));
  CHECK(a.find("<svg") == 0);
  CHECK(a.find("Receipts &lt;by&gt; holder") != std::string::npos);
  CHECK(a.find("Microsoft") != std::string::npos);
  CHECK(a.find("(log scale)") != std::string::npos);  // 1e9 to 1e11 on both axes
  CHECK(a.find("#0072B2") != std::string::npos);

  FanChart f;
  f.id = "fan";
  f.title = "Cash";
  f.series.push_back(
      {"cash", {2024, 2025}, {-1e9, -2e9}, {0, 0}, {1e9, 2e9}, {2e9, 4e9}, {3e9, 8e9}});
  const std::string fs = render(f);
  CHECK(fs.find("<polygon") != std::string::npos);
  CHECK(fs.find("2025") != std::string::npos);

  TornadoChart t;
  t.id = "tornado";
  t.title = "Swing";
  t.base = 10e9;
  t.bars.push_back({"cap", 5e9, 20e9, "46B", "138B", ""});
  const std::string ts = render(t);
  CHECK(ts.find("base $10B") != std::string::npos);
  CHECK(ts.find("input at HI") != std::string::npos);
}

namespace {

// The y coordinates of the first polyline's points, in order.
std::vector<double> first_polyline_ys(const std::string& svg) {
  const auto at = svg.find("<polyline points=\"");
  REQUIRE(at != std::string::npos);
  const auto start = at + 18;
  const std::string pts = svg.substr(start, svg.find('"', start) - start);
  std::vector<double> ys;
  std::size_t i = 0;
  while (i < pts.size()) {
    const auto comma = pts.find(',', i);
    const auto space = pts.find(' ', comma);
    ys.push_back(std::stod(pts.substr(comma + 1, space - comma - 1)));
    if (space == std::string::npos) break;
    i = space + 1;
  }
  return ys;
}

}  // namespace

TEST_CASE("a holder's receipts below the log floor still show on a linear axis (issue 16)") {
  // 20% of the first dollar from the start; the axis stays linear (one decade).
  LineChart c;
  c.id = "breakpoints";
  c.y_log_floor = 1e8;
  c.series.push_back({"first", {1e6, 5e7, 1e8, 7e9}, {2e5, 1e7, 2e7, 1.4e9}, {}, {}, false});
  c.series.push_back({"other", {1e6, 5e7, 1e8, 7e9}, {8e5, 4e7, 8e7, 5.6e9}, {}, {}, false});
  c.x_log_allowed = false;
  const std::string svg = render(c);
  REQUIRE(svg.find("(log scale)") == std::string::npos);
  const auto ys = first_polyline_ys(svg);
  REQUIRE(ys.size() == 4);
  // SVG y grows downwards: each point above the one before, the third (2e7, below the
  // floor) above the first (2e5), not flattened onto the zero line.
  CHECK(ys[1] < ys[0]);
  CHECK(ys[2] < ys[1]);
  CHECK(ys[3] < ys[2]);
}

TEST_CASE("on a log axis values below the floor are left off, not drawn at cents") {
  LineChart c;
  c.id = "breakpoints";
  c.y_log_floor = 1e8;
  c.series.push_back({"a", {1e6, 1e8, 1e10, 1e12}, {1e3, 1e8, 1e10, 1e12}, {}, {}, false});
  const std::string svg = render(c);
  REQUIRE(svg.find("(log scale)") != std::string::npos);
  CHECK(first_polyline_ys(svg).size() == 3);
  CHECK(svg.find(">$1K<") == std::string::npos);  // the axis does not reach down to $1K
}

TEST_CASE("tornado rows: the input's name, its pointer in small print") {
  TornadoChart t;
  t.id = "tornado";
  t.base = 10e9;
  t.bars.push_back({"cap of Microsoft", 5e9, 20e9, "46B", "138B", "/holders/microsoft/cap"});
  const std::string svg = render(t);
  const auto name = svg.find(">cap of Microsoft<");
  const auto pointer = svg.find(">/holders/microsoft/cap<");
  REQUIRE(name != std::string::npos);
  REQUIRE(pointer != std::string::npos);
  // The pointer in a smaller font than the name.
  const auto tag = svg.rfind("<text", pointer);
  CHECK(svg.substr(tag, pointer - tag).find("font-size=\"9\"") != std::string::npos);
}

TEST_CASE("fan chart: the two bands and their legend swatches differ (issue 16)") {
  FanChart f;
  f.id = "fan";
  f.series.push_back(
      {"cash", {2024, 2025}, {-1e9, -2e9}, {0, 0}, {1e9, 2e9}, {2e9, 4e9}, {3e9, 8e9}});
  const std::string svg = render(f);
  // Opacities of the polygons (bands) and of the legend's rects (swatches).
  auto opacities = [&svg](const std::string& tag) {
    std::vector<std::string> out;
    for (auto at = svg.find("<" + tag); at != std::string::npos; at = svg.find("<" + tag, at + 1)) {
      const auto end = svg.find('>', at);
      const auto o = svg.find("opacity=\"", at);
      if (o < end) out.push_back(svg.substr(o + 9, svg.find('"', o + 9) - o - 9));
    }
    return out;
  };
  const auto bands = opacities("polygon");
  const auto swatches = opacities("rect");
  REQUIRE(bands.size() == 2);
  CHECK(bands[0] != bands[1]);
  CHECK(std::find(swatches.begin(), swatches.end(), bands[0]) != swatches.end());
  CHECK(std::find(swatches.begin(), swatches.end(), bands[1]) != swatches.end());
}
