// capflow report FILE -o report.html | -o report.md
// A report of a scenario for people: the terms in words, sources, the breakpoint chart,
// the base case, payout distributions, the tornado and how to reproduce it all.

#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <system_error>
#include <vector>

#include "capflow_report/content.hpp"
#include "commands.hpp"
#include "count_options.hpp"
#include "eval_options.hpp"
#include "exit_codes.hpp"
#include "job.hpp"
#include "output.hpp"
#include "rank_stats.hpp"
#include "scenario_input.hpp"
#include "seed_option.hpp"
#include "signal_cleanup.hpp"
#include "spread.hpp"

namespace capflow::cli {
namespace {

namespace fs = std::filesystem;

struct Options {
  std::string file;
  std::string output;
  std::string format;  // html or md; default from -o's extension, else md
  std::uint64_t paths = 10000;
  std::uint64_t tornado_paths = 10000;
  std::uint64_t seed = 42;
  unsigned threads = 0;
  std::vector<std::string> sets;
};

std::string quoted(const std::string& s) {
  if (!s.empty() && s.find_first_of(" \t'\"$`\\|&;<>()*?[]{}!#~") == std::string::npos) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The charts go into dir atomically as a whole: written to a fresh directory beside it
// (stage_charts), then renamed into place (install_charts) only once the report itself
// is written, so a failed run leaves the previous charts (or none), never a mix.
// Returns the staging directory, or why it could not be written.
// The staging folder (with the charts in it) is removed if a signal ends the process
// before it is installed (signal_cleanup.hpp).
struct Staged {
  fs::path tmp;
  std::string error;  // set on failure
  std::unique_ptr<RemoveOnSignal> cleanup;
};
Staged stage_charts(const Report& r, const fs::path& dir) {
  std::error_code ec;
  const fs::path parent = dir.parent_path().empty() ? fs::path(".") : dir.parent_path();
  std::random_device rd;
  const fs::path tmp = parent / ("." + dir.filename().string() + ".tmp-" + std::to_string(rd()));
  Staged staged;
  {
    const DeferSignals defer;  // registered before a signal can end the process
    if (!fs::create_directory(tmp, ec) || ec) {
      staged.error = "cannot create the chart directory " + dir.string() + ": " +
                     (ec ? ec.message() : "a temporary directory of that name exists");
      return staged;
    }
    staged.cleanup = std::make_unique<RemoveOnSignal>(tmp.string());
  }
  for (const auto& c : r.charts) {
    if (auto err = emit(c.svg, (tmp / (c.id + ".svg")).string())) {
      fs::remove_all(tmp, ec);
      staged.error = *err;
      return staged;
    }
  }
  test_stop_point("chart-staging");
  staged.tmp = tmp;
  return staged;
}

std::optional<std::string> install_charts(const fs::path& tmp, const fs::path& dir) {
  std::error_code ec;
  const fs::path parent = dir.parent_path().empty() ? fs::path(".") : dir.parent_path();
  std::random_device rd;
  const fs::path old = parent / ("." + dir.filename().string() + ".old-" + std::to_string(rd()));
  const bool had = fs::exists(fs::symlink_status(dir, ec));
  if (had) {
    if (!fs::is_directory(fs::symlink_status(dir, ec))) {
      fs::remove_all(tmp, ec);
      return dir.string() + " exists and is not a directory";
    }
    fs::rename(dir, old, ec);
    if (ec) {
      fs::remove_all(tmp, ec);
      return "cannot replace " + dir.string() + ": " + ec.message();
    }
  }
  fs::rename(tmp, dir, ec);
  if (ec) {
    const std::string msg = "cannot move the charts to " + dir.string() + ": " + ec.message();
    if (had) fs::rename(old, dir, ec);
    fs::remove_all(tmp, ec);
    return msg;
  }
  if (had) fs::remove_all(old, ec);
  return std::nullopt;
}

int run(const Options& o) {
  std::string format = o.format;
  if (format.empty()) {
    const std::string ext = fs::path(o.output).extension().string();
    if (o.output.empty() || ext == ".md" || ext == ".markdown") {
      format = "md";
    } else if (ext == ".html" || ext == ".htm") {
      format = "html";
    } else {
      std::cerr << "capflow report: -o " << o.output
                << ": cannot tell the format from the extension; name the file .html or .md, or "
                   "give --format html|md\n";
      return kExitBadInput;
    }
  }
  if (!o.output.empty()) {
    // Before any run: a report that cannot be written is not worth computing.
    const fs::path parent = fs::path(o.output).parent_path();
    std::error_code ec;
    if (!parent.empty() && !fs::is_directory(parent, ec)) {
      std::cerr << "capflow report: -o " << o.output << ": the directory " << parent.string()
                << " does not exist\n";
      return kExitBadInput;
    }
  }
  auto scenario = load_command_scenario(o.file, o.sets);
  if (!scenario) return kExitBadInput;
  ReportSettings rs;
  rs.seed = o.seed;
  rs.paths = o.paths;
  rs.tornado_paths = o.tornado_paths;
  rs.threads = o.threads > 0 ? o.threads : job::default_threads();
  // Under MPI the distributions' paths and the tornado's points are shared among the
  // ranks; every rank builds the report, rank 0 alone writes it.
  rs.run_paths = run_on_ranks_everywhere;
  rs.tornado_points = run_points_spread;
  rs.command = "capflow report " + quoted(o.file) + " --seed " + std::to_string(o.seed) +
               " --paths " + std::to_string(o.paths) + " --tornado-paths " +
               std::to_string(o.tornado_paths);
  for (const auto& s : o.sets) rs.command += " --set " + quoted(s);
  if (!o.output.empty()) rs.command += " -o " + quoted(o.output);
  auto report = build_report(*scenario, o.sets, rs, std::cerr);
  if (!report) return kExitBadInput;

  std::string text;
  Staged charts;
  fs::path charts_dir;
  if (format == "html") {
    text = report_html(*report);
  } else {
    const fs::path out(o.output.empty() ? "report.md" : o.output);
    const std::string dir = out.stem().string() + "_files";
    text = report_markdown(*report, o.output.empty() ? std::string() : dir);
    if (!o.output.empty() && job::is_root()) {
      // Nothing is written for a job that failed on another rank (output.cpp: emit).
      if (!job::others_succeeded()) job::end_after_others_failed();
      charts_dir = out.parent_path() / dir;
      charts = stage_charts(*report, charts_dir);
      if (!charts.error.empty()) {
        std::cerr << "capflow report: " << charts.error << "\n";
        return kExitBadInput;
      }
    }
  }
  // The report and its charts move into place together: a signal meanwhile waits until
  // both have (then the process ends), so the folder never holds another report's charts.
  std::optional<DeferSignals> together;
  if (!charts.tmp.empty()) {
    together.emplace();
    test_stop_point("report-install");
  }
  if (auto err = emit(text, o.output)) {
    std::error_code ec;
    if (!charts.tmp.empty()) fs::remove_all(charts.tmp, ec);
    std::cerr << "capflow report: " << *err << "\n";
    return kExitBadInput;
  }
  if (!charts.tmp.empty()) {
    if (auto err = install_charts(charts.tmp, charts_dir)) {
      std::cerr << "capflow report: " << *err << "\n";
      return kExitBadInput;
    }
  }
  return kExitOk;
}

}  // namespace

Command setup_report(CLI::App& parent) {
  auto opts = std::make_shared<Options>();
  CLI::App* app = parent.add_subcommand(
      "report",
      "A report for people: the scenario in words with its sources, the breakpoint chart, the\n"
      "base case by year, payout distributions, the tornado and the reproduction line.\n"
      "HTML is one self-contained file (inline SVG and CSS, no scripts); Markdown is written\n"
      "with its charts in REPORT_files/ beside it (without -o: Markdown on stdout, no charts).\n"
      "Examples:\n"
      "  capflow report scenarios/openai-2024-round.json -o report.html\n"
      "  capflow report scenarios/openai-wsj-2023.json -o wsj.md");
  app->add_option("file", opts->file, "Scenario file (JSON)")->required();
  app->add_option("-o,--output", opts->output,
                  "Write to FILE (.html or .md; atomic); default: Markdown on stdout")
      ->type_name("FILE");
  app->add_option("--format", opts->format, "html or md (default: from -o's extension)")
      ->check(CLI::IsMember({"html", "md"}));
  app->add_option("--paths", opts->paths, "Monte Carlo paths for the distributions (default 10000)")
      ->transform(path_count())
      ->type_name("N");
  app->add_option("--tornado-paths", opts->tornado_paths,
                  "Monte Carlo paths for each tornado run (default 10000)")
      ->transform(path_count())
      ->type_name("N");
  app->add_option("--seed", opts->seed, "Seed of every run (default 42)")->check(seed_check());
  app->add_option("--threads", opts->threads, "Worker threads (default: all cores)")
      ->check(thread_count())
      ->type_name("N");
  add_set_option(*app, opts->sets);
  return {app, [opts] { return run(*opts); }, true};
}

}  // namespace capflow::cli
