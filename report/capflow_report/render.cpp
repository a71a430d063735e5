#include <string>

#include "capflow_charts/svg.hpp"
#include "capflow_report/content.hpp"
#include "capflow_report/markdown_text.hpp"

namespace capflow {

std::string report_html(const Report& r) {
  using charts::xml_escape;
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
      xml_escape(r.title) +
      "</title>\n<style>\n"
      "body{font-family:\"DejaVu Sans\",Helvetica,Arial,sans-serif;color:#222;margin:0;"
      "background:#fafafa;line-height:1.45}\n"
      "main{max-width:1000px;margin:0 auto;padding:24px 32px;background:#fff}\n"
      "h1{font-size:1.6em;margin:0.2em 0}h2{font-size:1.25em;margin-top:1.8em;"
      "border-bottom:1px solid #ddd;padding-bottom:4px}\n"
      ".sub{color:#555;margin-top:0}\n"
      "table{border-collapse:collapse;margin:0.8em 0;font-size:0.85em}\n"
      "th,td{border:1px solid #ddd;padding:3px 8px;vertical-align:top}\n"
      "th{background:#f0f0f0;text-align:left}td.r{text-align:right;white-space:nowrap}\n"
      "figure{margin:1em 0}figure svg{max-width:100%;height:auto}\n"
      // Narrow screens: wide tables and charts scroll inside their own box instead of
      // pushing the page wider, and charts keep a size at which their text stays readable.
      ".scroll{overflow-x:auto;max-width:100%}p,li{overflow-wrap:anywhere}\n"
      "@media (max-width:640px){main{padding:12px}figure{overflow-x:auto}"
      "figure svg{max-width:none;width:700px}nav ol{columns:1}}\n"
      ".absent{border-left:4px solid #E69F00;background:#fff8e6;padding:6px 12px}\n"
      "nav ol{columns:2;font-size:0.9em;color:#555}a{color:#0072B2}\n"
      "</style>\n</head>\n<body>\n<main>\n<h1>" +
      xml_escape(r.title) + "</h1>\n<p class=\"sub\">" + xml_escape(r.subtitle) + "</p>\n";
  out += "<nav>\n<ol>\n";
  for (std::size_t i = 0; i < r.sections.size(); ++i) {
    out += "<li><a href=\"#part-" + std::to_string(i + 1) + "\">" +
           xml_escape(r.sections[i].title) + "</a></li>\n";
  }
  out += "</ol>\n</nav>\n";
  for (std::size_t i = 0; i < r.sections.size(); ++i) {
    const auto& sec = r.sections[i];
    out += "<section id=\"part-" + std::to_string(i + 1) + "\">\n<h2>" + xml_escape(sec.title) +
           "</h2>\n";
    for (const auto& b : sec.blocks) {
      switch (b.kind) {
        case ReportBlock::Kind::paragraph:
          out += "<p>" + xml_escape(b.text) + "</p>\n";
          break;
        case ReportBlock::Kind::absent:
          out += "<p class=\"absent\">" + xml_escape(b.text) + "</p>\n";
          break;
        case ReportBlock::Kind::list:
          out += "<ul>\n";
          for (const auto& item : b.items) out += "<li>" + xml_escape(item) + "</li>\n";
          out += "</ul>\n";
          break;
        case ReportBlock::Kind::table: {
          out += "<div class=\"scroll\"><table>\n<tr>";
          for (const auto& h : b.table.headers) out += "<th>" + xml_escape(h) + "</th>";
          out += "</tr>\n";
          for (const auto& row : b.table.rows) {
            out += "<tr>";
            for (std::size_t k = 0; k < row.size(); ++k) {
              const bool right = k < b.table.right.size() && b.table.right[k];
              out += (right ? "<td class=\"r\">" : "<td>") + xml_escape(row[k]) + "</td>";
            }
            out += "</tr>\n";
          }
          out += "</table></div>\n";
          break;
        }
        case ReportBlock::Kind::chart:
          out += "<figure>\n" + r.charts[b.chart].svg + "</figure>\n";
          break;
      }
    }
    out += "</section>\n";
  }
  out += "</main>\n</body>\n</html>\n";
  return out;
}

std::string report_markdown(const Report& r, const std::string& charts_dir) {
  std::string out = "# " + markdown_text(r.title) + "\n\n" + markdown_text(r.subtitle) + "\n";
  for (const auto& sec : r.sections) {
    out += "\n## " + markdown_text(sec.title) + "\n";
    for (const auto& b : sec.blocks) {
      out += "\n";
      switch (b.kind) {
        case ReportBlock::Kind::paragraph:
          out += markdown_text(b.text) + "\n";
          break;
        case ReportBlock::Kind::absent:
          out += "> " + markdown_text(b.text) + "\n";
          break;
        case ReportBlock::Kind::list:
          for (const auto& i : b.items) out += "- " + markdown_text(i) + "\n";
          break;
        case ReportBlock::Kind::table: {
          out += "|";
          for (const auto& h : b.table.headers) out += " " + markdown_text(h, true) + " |";
          out += "\n|";
          for (std::size_t k = 0; k < b.table.headers.size(); ++k) {
            out += k < b.table.right.size() && b.table.right[k] ? " ---: |" : " --- |";
          }
          out += "\n";
          for (const auto& row : b.table.rows) {
            out += "|";
            for (const auto& c : row) out += " " + markdown_text(c, true) + " |";
            out += "\n";
          }
          break;
        }
        case ReportBlock::Kind::chart: {
          const auto& c = r.charts[b.chart];
          if (charts_dir.empty()) {
            out += "*(chart `" + c.id + "`: written only with -o)*\n";
          } else {
            out += "![" + c.id + "](" + charts_dir + "/" + c.id + ".svg)\n";
          }
          break;
        }
      }
    }
  }
  return out;
}

}  // namespace capflow
