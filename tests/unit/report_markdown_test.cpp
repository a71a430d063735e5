// The Markdown report escapes what a scenario's authors wrote (titles, holder names) so
// that a name prints as text: never a link, an image, raw HTML, code or a broken table.

#include <doctest/doctest.h>

#include <string>

#include "capflow_report/content.hpp"
#include "capflow_report/markdown_text.hpp"

namespace {

capflow::Report hostile_report(const std::string& name) {
  capflow::Report r;
  r.title = name;
  r.subtitle = "by " + name;
  capflow::ReportSection sec;
  sec.title = name;
  capflow::ReportBlock para;
  para.text = "Holder " + name + " is paid last.";
  sec.blocks.push_back(para);
  capflow::ReportBlock list;
  list.kind = capflow::ReportBlock::Kind::list;
  list.items = {name};
  sec.blocks.push_back(list);
  capflow::ReportBlock table;
  table.kind = capflow::ReportBlock::Kind::table;
  table.table.headers = {"Holder", "Mean"};
  table.table.right = {false, true};
  table.table.rows = {{name, "$1.00B"}};
  sec.blocks.push_back(table);
  r.sections.push_back(sec);
  return r;
}

// The table rows of a Markdown text: lines that start with '|'.
int cells_in_last_row(const std::string& md) {
  const auto end = md.rfind("|\n");
  const auto start = md.rfind("\n|", end) + 1;
  int cells = 0;
  for (std::size_t i = start; i <= end; ++i) {
    if (md[i] == '|' && (i == 0 || md[i - 1] != '\\')) ++cells;
  }
  return cells - 1;
}

}  // namespace

TEST_CASE("report markdown: link and image syntax in a name prints as text") {
  const std::string md =
      capflow::report_markdown(hostile_report("[x](javascript:alert(1)) ![i](http://e/x.png)"), "");
  CHECK(md.find("[x](") == std::string::npos);
  CHECK(md.find("![i](") == std::string::npos);
  CHECK(md.find("\\[x\\](javascript:alert(1))") != std::string::npos);
  CHECK(md.find("!\\[i\\](http://e/x.png)") != std::string::npos);
  CHECK(md.rfind("# \\[x\\]", 0) == 0);
}

TEST_CASE("report markdown: HTML, code and autolinks in a name are escaped") {
  const std::string md =
      capflow::report_markdown(hostile_report("<script>alert(1)</script> `code` <http://e>"), "");
  CHECK(md.find("<script>") == std::string::npos);
  CHECK(md.find("</script>") == std::string::npos);
  CHECK(md.find("<http://e>") == std::string::npos);
  CHECK(md.find("&lt;script>alert(1)&lt;/script>") != std::string::npos);
  CHECK(md.find("\\`code\\`") != std::string::npos);
}

TEST_CASE("report markdown: a '<' that opens no tag and an inner '>' stay readable") {
  // "<0.1%" and "P(>0)" are capflow's own texts; only a '>' that starts the text could
  // make a quote.
  CHECK(capflow::markdown_text("<0.1% and P(>0) and a < b") == "<0.1% and P(>0) and a < b");
  CHECK(capflow::markdown_text("> quoted") == "&gt; quoted");
  CHECK(capflow::markdown_text("<!-- x --> <?php <b> </b>") ==
        "&lt;!-- x --> &lt;?php &lt;b> &lt;/b>");
}

TEST_CASE("report markdown: a pipe or a newline in a name keeps the table's shape") {
  const std::string md = capflow::report_markdown(hostile_report("a | b\n| c |"), "");
  CHECK(cells_in_last_row(md) == 2);
  CHECK(md.find("a \\| b \\| c \\|") != std::string::npos);
}

TEST_CASE("report markdown: a backslash cannot undo an escape") {
  // "\[" would otherwise print as "\\[", a literal backslash and a live bracket.
  const std::string md = capflow::report_markdown(hostile_report("\\[x](y)"), "");
  CHECK(md.find("\\\\\\[x\\](y)") != std::string::npos);
}
