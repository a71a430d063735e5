#include "capflow_charts/svg.hpp"

#include <array>
#include <cmath>
#include <cstdio>

namespace capflow::charts {

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out += c;
    }
  }
  return out;
}

std::string px(double v) {
  if (!std::isfinite(v)) v = 0;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

const char* series_colour(std::size_t i) {
  // Okabe & Ito (2008): orange, sky blue, bluish green, yellow, blue, vermillion, reddish
  // purple. Yellow is kept last in use order by putting it sixth: it is the palest on white.
  static constexpr std::array<const char*, 7> kColours = {
      "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442"};
  return kColours[i % kColours.size()];
}

Svg::Svg(double width, double height, std::string_view id, std::string_view title)
    : width_(width), height_(height) {
  head_ = "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"" + xml_escape(id) + "\" width=\"" +
          px(width) + "\" height=\"" + px(height) + "\" viewBox=\"0 0 " + px(width) + " " +
          px(height) +
          "\" role=\"img\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n<title>" +
          xml_escape(title) + "</title>\n<rect x=\"0\" y=\"0\" width=\"" + px(width) +
          "\" height=\"" + px(height) + "\" fill=\"#ffffff\"/>\n";
}

namespace {
std::string dash_attr(std::string_view dash) {
  return dash.empty() ? "" : " stroke-dasharray=\"" + xml_escape(dash) + "\"";
}
}  // namespace

void Svg::line(double x1, double y1, double x2, double y2, std::string_view stroke, double w,
               std::string_view dash) {
  body_ += "<line x1=\"" + px(x1) + "\" y1=\"" + px(y1) + "\" x2=\"" + px(x2) + "\" y2=\"" +
           px(y2) + "\" stroke=\"" + xml_escape(stroke) + "\" stroke-width=\"" + px(w) + "\"" +
           dash_attr(dash) + "/>\n";
}

void Svg::rect(double x, double y, double w, double h, std::string_view fill,
               std::string_view stroke, double opacity) {
  body_ += "<rect x=\"" + px(x) + "\" y=\"" + px(y) + "\" width=\"" + px(std::max(0.0, w)) +
           "\" height=\"" + px(std::max(0.0, h)) + "\" fill=\"" + xml_escape(fill) +
           "\" stroke=\"" + xml_escape(stroke) + "\"" +
           (opacity < 1 ? " fill-opacity=\"" + px(opacity) + "\"" : "") + "/>\n";
}

void Svg::polyline(const std::string& points, std::string_view stroke, double w,
                   std::string_view dash) {
  std::string p = points;
  if (!p.empty() && p.back() == ' ') p.pop_back();
  body_ += "<polyline points=\"" + p + "\" fill=\"none\" stroke=\"" + xml_escape(stroke) +
           "\" stroke-width=\"" + px(w) + "\" stroke-linejoin=\"round\"" + dash_attr(dash) + "/>\n";
}

void Svg::polygon(const std::string& points, std::string_view fill, double opacity) {
  std::string p = points;
  if (!p.empty() && p.back() == ' ') p.pop_back();
  body_ += "<polygon points=\"" + p + "\" fill=\"" + xml_escape(fill) + "\" fill-opacity=\"" +
           px(opacity) + "\" stroke=\"none\"/>\n";
}

void Svg::circle(double cx, double cy, double r, std::string_view fill) {
  body_ += "<circle cx=\"" + px(cx) + "\" cy=\"" + px(cy) + "\" r=\"" + px(r) + "\" fill=\"" +
           xml_escape(fill) + "\"/>\n";
}

void Svg::text(double x, double y, std::string_view content, std::string_view anchor, double size,
               std::string_view weight, double rotate, std::string_view fill) {
  body_ += "<text x=\"" + px(x) + "\" y=\"" + px(y) + "\" font-size=\"" + px(size) + "\"";
  if (anchor != "start") body_ += " text-anchor=\"" + xml_escape(anchor) + "\"";
  if (weight != "normal") body_ += " font-weight=\"" + xml_escape(weight) + "\"";
  if (rotate != 0) {
    body_ += " transform=\"rotate(" + px(rotate) + " " + px(x) + " " + px(y) + ")\"";
  }
  body_ += " fill=\"" + xml_escape(fill) + "\">" + xml_escape(content) + "</text>\n";
}

std::string Svg::str() const {
  return head_ + body_ + "</svg>\n";
}

}  // namespace capflow::charts
