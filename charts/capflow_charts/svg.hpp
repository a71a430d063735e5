#pragma once
// A minimal SVG document builder: elements appended as text, every attribute value and
// text node escaped, numbers printed with a fixed precision so output is deterministic.

#include <string>
#include <string_view>

namespace capflow::charts {

// Escapes &, <, >, " and ' for XML text and attribute values; drops the control
// characters XML 1.0 forbids (all below 0x20 except tab, newline and carriage return).
std::string xml_escape(std::string_view text);

// A coordinate or length in user units: at most two decimals, no trailing zeros, "-0" as "0".
std::string px(double v);

// The Okabe-Ito palette (colour-blind safe), without its black: series i takes colour i mod 7.
const char* series_colour(std::size_t i);

class Svg {
 public:
  // An <svg> of width × height user units; id is the element's id (for tests and links),
  // title its accessible name (<title>).
  Svg(double width, double height, std::string_view id, std::string_view title);
  void line(double x1, double y1, double x2, double y2, std::string_view stroke, double width = 1,
            std::string_view dash = "");
  void rect(double x, double y, double w, double h, std::string_view fill,
            std::string_view stroke = "none", double opacity = 1);
  // points: "x,y x,y ..." built with point().
  void polyline(const std::string& points, std::string_view stroke, double width = 2,
                std::string_view dash = "");
  void polygon(const std::string& points, std::string_view fill, double opacity);
  void circle(double cx, double cy, double r, std::string_view fill);
  // anchor: start, middle or end; rotate: degrees about (x, y).
  void text(double x, double y, std::string_view content, std::string_view anchor = "start",
            double size = 12, std::string_view weight = "normal", double rotate = 0,
            std::string_view fill = "#222");
  static std::string point(double x, double y) { return px(x) + "," + px(y) + " "; }
  double width() const { return width_; }
  double height() const { return height_; }
  std::string str() const;  // the complete document, ending with a newline

 private:
  double width_, height_;
  std::string head_;
  std::string body_;
};

}  // namespace capflow::charts
