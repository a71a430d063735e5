#include "capflow_charts/charts.hpp"

#include <algorithm>
#include <cmath>

#include "capflow_charts/svg.hpp"

namespace capflow::charts {
namespace {

constexpr double kLeft = 90, kRight = 28, kTop = 46;
constexpr double kGrid = 0.5;
const char* const kInk = "#222";
const char* const kGridColour = "#d9d9d9";

// A rough text width for layout (DejaVu Sans at 12px averages about 7px a character).
double text_width(const std::string& s, double size = 12) {
  return static_cast<double>(s.size()) * size * 0.58;
}

struct Plot {
  double x0, y0, x1, y1;  // left, top, right, bottom
};

struct LegendItem {
  std::string label;
  std::string colour;
  bool dashed = false;
  bool swatch = false;   // a filled square instead of a line
  double opacity = 0.6;  // of the swatch: as the band it stands for
};

// Rows needed for the legend at this width.
int legend_rows(const std::vector<LegendItem>& items, double width) {
  if (items.empty()) return 0;
  int rows = 1;
  double x = kLeft;
  for (const auto& it : items) {
    const double w = 30 + text_width(it.label) + 18;
    if (x + w > width - kRight && x > kLeft) {
      ++rows;
      x = kLeft;
    }
    x += w;
  }
  return rows;
}

void draw_legend(Svg& svg, const std::vector<LegendItem>& items, double top) {
  double x = kLeft, y = top;
  for (const auto& it : items) {
    const double w = 30 + text_width(it.label) + 18;
    if (x + w > svg.width() - kRight && x > kLeft) {
      x = kLeft;
      y += 18;
    }
    if (it.swatch) {
      svg.rect(x, y - 9, 22, 10, it.colour, "none", it.opacity);
    } else {
      svg.line(x, y - 4, x + 22, y - 4, it.colour, 2.5, it.dashed ? "6 4" : "");
    }
    svg.text(x + 28, y, it.label, "start", 12);
    x += w;
  }
}

void draw_title(Svg& svg, const std::string& title) {
  svg.text(kLeft, 22, title, "start", 15, "bold");
}

// Grid lines, tick labels and axis titles.
void draw_axes(Svg& svg, const Plot& p, const Axis& xa, const Axis& ya, const std::string& xl,
               const std::string& yl) {
  for (double t : ya.ticks) {
    const double y = ya.map(t, p.y1, p.y0);
    svg.line(p.x0, y, p.x1, y, kGridColour, kGrid);
    svg.text(p.x0 - 6, y + 4, ya.label(t), "end", 11);
  }
  for (double t : xa.ticks) {
    const double x = xa.map(t, p.x0, p.x1);
    svg.line(x, p.y0, x, p.y1, kGridColour, kGrid);
    svg.line(x, p.y1, x, p.y1 + 4, kInk, 1);
    svg.text(x, p.y1 + 17, xa.label(t), "middle", 11);
  }
  svg.line(p.x0, p.y1, p.x1, p.y1, kInk, 1);
  svg.line(p.x0, p.y0, p.x0, p.y1, kInk, 1);
  const std::string xs = xl + (xa.log ? " (log scale)" : "");
  const std::string ys = yl + (ya.log ? " (log scale)" : "");
  svg.text((p.x0 + p.x1) / 2, p.y1 + 34, xs, "middle", 12);
  svg.text(18, (p.y0 + p.y1) / 2, ys, "middle", 12, "normal", -90);
}

// "x,y " for every point both axes can show; a point a log axis cannot show (<= 0)
// ends the current piece.
std::vector<std::string> pieces(const Series& s, const Axis& xa, const Axis& ya, const Plot& p,
                                double log_floor = 0) {
  std::vector<std::string> out;
  std::string cur;
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
    const double x = s.x[i], y = s.y[i];
    const bool ok = std::isfinite(x) && std::isfinite(y) && (!xa.log || x > 0) &&
                    (!ya.log || y > 0) && (!ya.log || y >= log_floor);
    if (!ok) {
      if (count > 1) out.push_back(cur);
      cur.clear();
      count = 0;
      continue;
    }
    cur += Svg::point(xa.map(x, p.x0, p.x1), ya.map(y, p.y1, p.y0));
    ++count;
  }
  if (count > 1) out.push_back(cur);
  return out;
}

}  // namespace

std::string render(const LineChart& c) {
  std::vector<double> xs, ys;
  for (const auto& s : c.series) {
    xs.insert(xs.end(), s.x.begin(), s.x.end());
    for (double y : s.y) {
      if (!(c.y_log_floor > 0 && y > 0 && y < c.y_log_floor)) ys.push_back(y);
    }
  }
  // Values under the floor lie between 0 and it: a linear axis must reach down to 0.
  if (c.y_log_floor > 0) ys.push_back(0);
  for (const auto& m : c.markers) xs.push_back(m.x);
  const Axis xa = make_axis(xs, c.x_kind, c.x_log_allowed, 6);
  const Axis ya = make_axis(ys, c.y_kind, c.y_log_allowed, 5);
  std::vector<LegendItem> legend;
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    legend.push_back({c.series[i].name, series_colour(i), c.series[i].dashed, false});
  }
  const int rows = c.series.size() > 1 ? legend_rows(legend, c.width) : 0;
  const double bottom = 50 + rows * 18 + (c.note.empty() ? 0 : 18) + 6;
  Svg svg(c.width, c.height + rows * 18, c.id, c.title);
  const Plot p{kLeft, kTop, c.width - kRight, svg.height() - bottom};
  draw_title(svg, c.title);
  draw_axes(svg, p, xa, ya, c.x_label, c.y_label);
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    const auto& s = c.series[i];
    for (const auto& piece : pieces(s, xa, ya, p, c.y_log_floor)) {
      svg.polyline(piece, series_colour(i), 2.2, s.dashed ? "6 4" : "");
    }
    for (std::size_t k = 0; k < s.dots_x.size() && k < s.dots_y.size(); ++k) {
      if ((xa.log && !(s.dots_x[k] > 0)) || (ya.log && !(s.dots_y[k] > 0))) continue;
      svg.circle(xa.map(s.dots_x[k], p.x0, p.x1), ya.map(s.dots_y[k], p.y1, p.y0), 3,
                 series_colour(i));
    }
  }
  for (std::size_t k = 0; k < c.markers.size(); ++k) {
    const auto& m = c.markers[k];
    if (xa.log && !(m.x > 0)) continue;
    const double x = xa.map(m.x, p.x0, p.x1);
    const char* colour = series_colour(m.series);
    svg.line(x, p.y0, x, p.y1, colour, 1.2, "3 3");
    // Labels stacked from the top so neighbours do not overwrite each other; the last
    // ones near the right edge are written to the left of their line.
    const bool left = x > p.x1 - 90;
    svg.text(left ? x - 4 : x + 4, p.y0 + 14 + 14 * static_cast<double>(k % 4), m.label,
             left ? "end" : "start", 11, "normal", 0, colour);
  }
  double y = p.y1 + 54;
  if (rows > 0) {
    draw_legend(svg, legend, y);
    y += rows * 18;
  }
  if (!c.note.empty()) svg.text(kLeft, y, c.note, "start", 11, "normal", 0, "#555");
  return svg.str();
}

// Band opacities of the fan chart: the outer band light, the inner one clearly darker.
constexpr double kOuterBand = 0.15, kInnerBand = 0.45;

std::string render(const FanChart& c) {
  std::vector<double> xs, ys;
  for (const auto& s : c.series) {
    xs.insert(xs.end(), s.years.begin(), s.years.end());
    for (const auto* v : {&s.p5, &s.p95, &s.p50}) ys.insert(ys.end(), v->begin(), v->end());
  }
  const Axis xa = make_axis(xs, Kind::year, false, 8);
  const Axis ya = make_axis(ys, c.y_kind, false, 6);
  std::vector<LegendItem> legend;
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    // The swatches as dark as their bands, so the two bands read apart in the legend.
    legend.push_back({c.series[i].name + " p50", series_colour(i), false, false});
    legend.push_back({"p25-p75", series_colour(i), false, true, kInnerBand});
    legend.push_back({"p5-p95", series_colour(i), false, true, kOuterBand});
  }
  const int rows = legend_rows(legend, c.width);
  const double bottom = 50 + rows * 18 + (c.note.empty() ? 0 : 18) + 6;
  Svg svg(c.width, c.height + rows * 18, c.id, c.title);
  const Plot p{kLeft, kTop, c.width - kRight, svg.height() - bottom};
  draw_title(svg, c.title);
  draw_axes(svg, p, xa, ya, "year", c.y_label);
  if (ya.lo < 0 && ya.hi > 0) {
    const double y0 = ya.map(0, p.y1, p.y0);
    svg.line(p.x0, y0, p.x1, y0, "#777", 1);
  }
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    const auto& s = c.series[i];
    auto band = [&](const std::vector<double>& lo, const std::vector<double>& hi, double op) {
      std::string pts;
      for (std::size_t k = 0; k < s.years.size(); ++k) {
        pts += Svg::point(xa.map(s.years[k], p.x0, p.x1), ya.map(hi[k], p.y1, p.y0));
      }
      for (std::size_t k = s.years.size(); k-- > 0;) {
        pts += Svg::point(xa.map(s.years[k], p.x0, p.x1), ya.map(lo[k], p.y1, p.y0));
      }
      svg.polygon(pts, series_colour(i), op);
    };
    band(s.p5, s.p95, kOuterBand);
    band(s.p25, s.p75, kInnerBand);
    std::string mid;
    for (std::size_t k = 0; k < s.years.size(); ++k) {
      mid += Svg::point(xa.map(s.years[k], p.x0, p.x1), ya.map(s.p50[k], p.y1, p.y0));
    }
    svg.polyline(mid, series_colour(i), 2.2);
  }
  double y = p.y1 + 54;
  draw_legend(svg, legend, y);
  y += rows * 18;
  if (!c.note.empty()) svg.text(kLeft, y, c.note, "start", 11, "normal", 0, "#555");
  return svg.str();
}

std::string render(const TornadoChart& c) {
  constexpr double kRow = 34, kBar = 22;
  double label_w = 120;
  for (const auto& b : c.bars) {
    label_w = std::max({label_w, text_width(b.label, 11) + 12, text_width(b.detail, 9) + 12});
  }
  label_w = std::min(label_w, c.width * 0.42);
  std::vector<double> xs{c.base};
  for (const auto& b : c.bars) {
    xs.push_back(b.at_lo);
    xs.push_back(b.at_hi);
  }
  // Room beyond the longest bars for their labels. Below zero that room stays blank
  // (no ticks) when every value is >= 0, so it does not suggest negative amounts.
  const auto [mn, mx] = std::minmax_element(xs.begin(), xs.end());
  const double lo = *mn, hi = *mx;
  const double pad = std::max(hi - lo, std::max(std::fabs(lo), std::fabs(hi)) * 0.2) * 0.35;
  const bool nonnegative = lo >= 0;
  if (pad > 0) {
    xs.push_back(lo - pad);
    xs.push_back(hi + pad);
  }
  const Axis xa = make_axis(xs, c.x_kind, false, 6);
  const std::vector<LegendItem> legend{{"input at LO", series_colour(0), false, true},
                                       {"input at HI", series_colour(1), false, true}};
  const double plot_h = std::max<double>(1, static_cast<double>(c.bars.size())) * kRow + 8;
  const double height = kTop + plot_h + 50 + 18 + (c.note.empty() ? 0 : 18) + 8;
  Svg svg(c.width, height, c.id, c.title);
  // Room on the right for the label of a bar that reaches the end of the axis.
  const Plot p{label_w + 8, kTop, c.width - kRight - 70, kTop + plot_h};
  draw_title(svg, c.title);
  double axis_start = p.x0;
  for (double t : xa.ticks) {
    if (nonnegative && t < 0) continue;
    const double x = xa.map(t, p.x0, p.x1);
    if (nonnegative && t == 0) axis_start = x;
    svg.line(x, p.y0, x, p.y1, kGridColour, kGrid);
    svg.text(x, p.y1 + 17, xa.label(t), "middle", 11);
  }
  svg.line(axis_start, p.y1, p.x1, p.y1, kInk, 1);
  svg.text((p.x0 + p.x1) / 2, p.y1 + 34, c.x_label, "middle", 12);
  const double base_x = xa.map(c.base, p.x0, p.x1);
  for (std::size_t i = 0; i < c.bars.size(); ++i) {
    const auto& b = c.bars[i];
    const double y = p.y0 + 4 + static_cast<double>(i) * kRow;
    if (b.detail.empty()) {
      svg.text(p.x0 - 8, y + kBar / 2 + 4, b.label, "end", 11);
    } else {
      svg.text(p.x0 - 8, y + kBar / 2 - 1, b.label, "end", 11);
      svg.text(p.x0 - 8, y + kBar / 2 + 10, b.detail, "end", 9, "normal", 0, "#666");
    }
    const double lo_x = xa.map(b.at_lo, p.x0, p.x1), hi_x = xa.map(b.at_hi, p.x0, p.x1);
    // Less than a pixel from the base: no bar, and one label for both ends.
    if (std::fabs(lo_x - base_x) < 1 && std::fabs(hi_x - base_x) < 1) {
      svg.text(base_x + 6, y + kBar / 2 + 4,
               "no visible change (" + b.lo_text + " / " + b.hi_text + ")", "start", 10, "normal",
               0, "#555");
      continue;
    }
    // Labels go outside the bars; a label whose bar is too short to see goes on the side
    // the other bar leaves free.
    const bool lo_right = std::fabs(lo_x - base_x) < 1 ? hi_x < base_x : lo_x >= base_x;
    bool hi_right = std::fabs(hi_x - base_x) < 1 ? lo_x < base_x : hi_x >= base_x;
    bool lo_side = lo_right;
    // Both bars on one side: the shorter one's label would sit inside the longer bar.
    if (lo_side == hi_right) {
      (std::fabs(lo_x - base_x) < std::fabs(hi_x - base_x) ? lo_side : hi_right) = !lo_side;
    }
    auto bar = [&](double x, std::size_t colour, const std::string& text, bool right) {
      svg.rect(std::min(x, base_x), y, std::fabs(x - base_x), kBar, series_colour(colour), "none",
               0.85);
      double tx = right ? std::max(x, base_x) + 4 : std::min(x, base_x) - 4;
      const double room = right ? svg.width() - tx : tx - (p.x0 - 4);
      const double w = text_width(text, 10);
      if (w > room && std::fabs(x - base_x) > w + 8) {
        // No room outside: inside the bar, in white, from its outer end.
        tx = right ? x - 4 : x + 4;
        svg.text(tx, y + kBar / 2 + 4, text, right ? "end" : "start", 10, "normal", 0, "#fff");
        return;
      }
      svg.text(tx, y + kBar / 2 + 4, text, right ? "start" : "end", 10, "normal", 0, "#333");
    };
    // The larger bar first so the smaller one stays visible where both sit on one side.
    const bool lo_first = std::fabs(b.at_lo - c.base) >= std::fabs(b.at_hi - c.base);
    if (lo_first) {
      bar(lo_x, 0, b.lo_text, lo_side);
      bar(hi_x, 1, b.hi_text, hi_right);
    } else {
      bar(hi_x, 1, b.hi_text, hi_right);
      bar(lo_x, 0, b.lo_text, lo_side);
    }
  }
  svg.line(base_x, p.y0 - 4, base_x, p.y1, kInk, 1.5);
  svg.text(base_x, p.y0 - 8, "base " + xa.label(c.base), "middle", 11, "bold");
  double y = p.y1 + 54;
  draw_legend(svg, legend, y);
  if (!c.note.empty()) svg.text(kLeft, y + 18, c.note, "start", 11, "normal", 0, "#555");
  return svg.str();
}

}  // namespace capflow::charts
