// capflow sweep FILE --vary PATH=LO:HI:STEPS [--vary ...]
// A grid over scenario values; every point a Monte Carlo run on common random numbers
// (the same seed and path indices everywhere) or the exact projection.

#include <algorithm>
#include <atomic>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "capflow/waterfall/rounding.hpp"
#include "capflow/whatif/sweep.hpp"
#include "capflow_report/markdown_text.hpp"
#include "commands.hpp"
#include "document_tables.hpp"
#include "eval_options.hpp"
#include "exit_codes.hpp"
#include "job.hpp"
#include "output.hpp"
#include "progress.hpp"
#include "scenario_input.hpp"
#include "spread.hpp"

namespace capflow::cli {
namespace {

using ojson = nlohmann::ordered_json;

struct Options {
  std::string file;
  std::vector<std::string> varies;
  std::vector<std::string> metrics;
  EvalOptions eval;
  std::vector<std::string> sets;
  OutputOptions output;
};

int run(const Options& o) {
  auto parsed = parse_varies(o.varies, true, "sweep", std::cerr);
  if (!parsed) return kExitBadInput;
  const std::vector<Vary> varies = std::move(*parsed);
  auto base = load_command_scenario(o.file, o.sets);
  if (!base) return kExitBadInput;
  auto settings = eval_settings(o.eval, "sweep", std::cerr);
  if (!settings) return kExitBadInput;
  // Each point is a whole run: the progress line counts their paths (this rank's, under MPI).
  std::size_t grid = 1;
  for (const auto& v : varies)
    grid = std::min(grid * static_cast<std::size_t>(v.steps), kMaxSweepPoints + 1);
  std::atomic<std::uint64_t> done{0};
  settings->progress = &done;
  std::optional<Sweep> sweep;
  {
    std::optional<Progress> progress;
    if (settings->mode == EvalMode::monte_carlo)
      progress.emplace(done, grid * settings->paths, "capflow sweep", "paths", job::is_root());
    sweep = compute_sweep(*base, o.file, o.sets, varies, o.metrics, *settings, std::cerr,
                          run_points_spread);  // under MPI: shared among the ranks
  }
  if (!sweep) return kExitBadInput;
  const std::vector<std::string>& metrics = sweep->metrics;
  const std::vector<std::vector<std::string>>& values = sweep->values;
  const std::vector<PointResult>& results = sweep->results;
  const std::size_t points = values.size();

  std::string text;
  const Format f = o.output.format;
  if (f == Format::json || f == Format::csv || f == Format::xlsx) {
    text = document_text(sweep_document(*base, o.sets, *settings, *sweep), f);
  } else {
    TextTable t;
    for (const auto& v : varies) t.add_column(v.path, TextTable::Align::right);
    for (const auto& m : metrics) t.add_column(m, TextTable::Align::right);
    for (std::size_t i = 0; i < points; ++i) {
      std::vector<std::string> row;
      for (std::size_t k = 0; k < varies.size(); ++k)
        row.push_back(value_label(varies[k].path, values[i][k]));
      for (std::size_t k = 0; k < metrics.size(); ++k) {
        row.push_back(metric_text(metrics[k], results[i].values[k]));
      }
      t.add_row(row);
    }
    {
      const std::string title = base->title.empty() ? o.file : base->title;
      const std::string how = describe(*settings) + " at each point";
      const std::string head = std::to_string(points) + " points; " + how + "; scenario sha256 " +
                               base->content_sha256.substr(0, 12);
      if (o.output.format == Format::md) {
        text = "# Sweep: " + markdown_text(title) + "\n\n" + head + "\n\n" + t.markdown();
      } else {
        text = "Sweep: " + title + "\n" + head + "\n\n" + t.plain("  ");
      }
    }
  }
  if (auto err = emit(text, o.output.output_path)) {
    std::cerr << "capflow sweep: " << *err << "\n";
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace

Command setup_sweep(CLI::App& parent) {
  auto opts = std::make_shared<Options>();
  CLI::App* app = parent.add_subcommand(
      "sweep",
      "A grid over one or more scenario values: each point a Monte Carlo run on common random\n"
      "numbers (same seed and paths everywhere); with --deterministic the exact projection;\n"
      "with --profit AMOUNT the exact waterfall at that profit (no projection needed).\n"
      "Examples:\n"
      "  capflow sweep scenarios/openai-2024-round.json --vary /holders/microsoft/cap=46B:184B:5\n"
      "  capflow sweep scenarios/openai-2024-round.json --deterministic \\\n"
      "      --vary /holders/microsoft/cap=46B:138B:3 --metric /holders/nonprofit/total\n"
      "  capflow sweep scenarios/openai-wsj-2023.json --profit 500B --vary "
      "/holders/microsoft/cap=46B:138B:3");
  app->add_option("file", opts->file,
                  "Scenario file (JSON); needs a \"projection\" unless --profit")
      ->required();
  app->add_option("--vary", opts->varies,
                  "PATH=LO:HI:STEPS: STEPS evenly spaced values from LO to HI (both included) at "
                  "PATH, a JSON pointer or dotted path as for --set; LO/HI money (46B) or shares "
                  "(30%)")
      ->required()
      ->allow_extra_args(false)
      ->type_name("PATH=LO:HI:STEPS");
  app->add_option("--metric", opts->metrics,
                  "A value to report per point: a JSON pointer into the run result "
                  "(/holders/microsoft/nominal/p50, /company/peak_funding_need/mean) or, with "
                  "--deterministic, into project's (/holders/microsoft/total). Default: every "
                  "holder's mean payout")
      ->allow_extra_args(false)
      ->type_name("POINTER");
  add_eval_options(*app, opts->eval);
  add_set_option(*app, opts->sets);
  add_output_options(*app, opts->output);
  return {app, [opts] { return run(*opts); }, true};
}

}  // namespace capflow::cli
