#pragma once
// The contents of `capflow report`: sections of paragraphs, tables and charts, built
// once and then written as self-contained HTML or as Markdown with SVG files.

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "capflow/montecarlo/monte_carlo.hpp"
#include "capflow/terms/scenario.hpp"
#include "capflow/whatif/explore.hpp"

namespace capflow {

struct ReportChart {
  std::string id;  // element id and file stem: [a-z0-9-]
  std::string svg;
};

struct ReportTable {
  std::vector<std::string> headers;
  std::vector<bool> right;  // per column: right-aligned
  std::vector<std::vector<std::string>> rows;
};

struct ReportBlock {
  enum class Kind { paragraph, list, table, chart, absent };
  Kind kind = Kind::paragraph;
  std::string text;                // paragraph, absent (why a part is missing)
  std::vector<std::string> items;  // list
  ReportTable table;
  std::size_t chart = 0;  // index into Report::charts
};

struct ReportSection {
  std::string title;
  std::vector<ReportBlock> blocks;
};

struct Report {
  std::string title;
  std::string subtitle;
  std::vector<ReportSection> sections;
  std::vector<ReportChart> charts;
};

struct ReportSettings {
  std::uint64_t seed = 42;
  std::uint64_t paths = 10000;
  std::uint64_t tornado_paths = 10000;
  unsigned threads = 1;
  std::string command;  // the command line that reproduces the report
  // How the runs may be shared among processes (the CLI under MPI): the distributions'
  // run, and the tornado's points. Each must give this process's results unchanged;
  // empty: this process alone (MonteCarlo::run, run_points_in_order).
  std::function<RunStats(const MonteCarlo&, const RunRequest&)> run_paths = nullptr;
  PointRunner tornado_points = nullptr;
};

// Builds every part that applies to s; parts that do not apply say why. On bad input
// (a Monte Carlo input the engine rejects) prints to err and returns nullopt.
std::optional<Report> build_report(const Scenario& s, const std::vector<std::string>& sets,
                                   const ReportSettings& settings, std::ostream& err);

// Self-contained HTML: inline CSS and SVG, no scripts, no external references.
std::string report_html(const Report& r);
// Markdown; each chart as an image link charts_dir/<id>.svg (an empty charts_dir, for
// Markdown on stdout where no chart files are written: a note in the chart's place).
std::string report_markdown(const Report& r, const std::string& charts_dir);

}  // namespace capflow
