#pragma once
// The chart types of capflow's reports, each rendered to a standalone SVG document:
// line charts (breakpoints, CDFs), fan charts (quantile bands over years) and tornado
// bars. Output depends only on the inputs (no clock, no locale), so it can be golden-tested.

#include <optional>
#include <string>
#include <vector>

#include "capflow_charts/axis.hpp"

namespace capflow::charts {

struct Series {
  std::string name;
  std::vector<double> x, y;
  std::vector<double> dots_x, dots_y;  // points marked with a dot (e.g. exact corners)
  bool dashed = false;
};

// A labelled vertical line across the plot, e.g. "p50 $12B".
struct Marker {
  double x = 0;
  std::string label;
  std::size_t series = 0;  // takes this series' colour
};

struct LineChart {
  std::string id;  // the <svg> id
  std::string title;
  std::string x_label, y_label;
  Kind x_kind = Kind::money, y_kind = Kind::money;
  bool x_log_allowed = true, y_log_allowed = true;
  // When the y axis turns out logarithmic, y values below this (> 0) are left off and do
  // not stretch the axis down to cents; a linear axis draws every value as it is.
  double y_log_floor = 0;
  std::vector<Series> series;
  std::vector<Marker> markers;
  std::string note;  // a line under the plot (what was left off a log axis, sources)
  double width = 760, height = 420;
};
std::string render(const LineChart& chart);

// Quantile bands over years: p5-p95 and p25-p75 shaded, p50 a line, for each series.
struct FanSeries {
  std::string name;
  std::vector<double> years;
  std::vector<double> p5, p25, p50, p75, p95;
};
struct FanChart {
  std::string id, title, y_label;
  Kind y_kind = Kind::money;
  std::vector<FanSeries> series;
  std::string note;
  double width = 760, height = 420;
};
std::string render(const FanChart& chart);

// Horizontal bars from the base value to the value with each input at LO and at HI,
// largest swing on top (the caller sorts).
struct TornadoBar {
  std::string label;    // the input, e.g. "/holders/microsoft/cap 46B..138B"
  double at_lo = 0;     // the metric with the input at LO
  double at_hi = 0;     // ... at HI
  std::string lo_text;  // LO as the user wrote it
  std::string hi_text;
  std::string detail;  // small print under the label (the input's JSON pointer), or ""
};
struct TornadoChart {
  std::string id, title, x_label;
  Kind x_kind = Kind::money;
  double base = 0;
  std::vector<TornadoBar> bars;
  std::string note;
  double width = 760;
};
std::string render(const TornadoChart& chart);

}  // namespace capflow::charts
