// capflow sweep FILE --vary PATH=LO:HI:STEPS [--vary ...]
// A grid over scenario values; every point a Monte Carlo run on common random numbers
// (the same seed and path indices everywhere) or the exact projection.

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "capflow/waterfall/rounding.hpp"
#include "capflow/whatif/sweep.hpp"
#include "commands.hpp"
#include "eval_options.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
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
  auto base = load_or_report(o.file, o.sets, std::cerr);
  if (!base) return kExitBadInput;
  auto settings = eval_settings(o.eval, "sweep", std::cerr);
  if (!settings) return kExitBadInput;
  auto sweep = compute_sweep(*base, o.file, o.sets, varies, o.metrics, *settings, std::cerr,
                             run_points_spread);  // under MPI: shared among the ranks
  if (!sweep) return kExitBadInput;
  const std::vector<std::string>& metrics = sweep->metrics;
  const std::vector<std::vector<std::string>>& values = sweep->values;
  const std::vector<PointResult>& results = sweep->results;
  const std::size_t points = values.size();

  std::string text;
  if (o.output.format == Format::json) {
    const ojson out = sweep_document(o.file, *base, *settings, *sweep);
    text = out.dump(2) + "\n";
  } else {
    TextTable t;
    for (const auto& v : varies) t.add_column(v.path, TextTable::Align::right);
    for (const auto& m : metrics) t.add_column(m, TextTable::Align::right);
    const bool csv = o.output.format == Format::csv;
    for (std::size_t i = 0; i < points; ++i) {
      std::vector<std::string> row;
      for (const auto& v : values[i]) row.push_back(csv ? v : value_label(v));
      for (std::size_t k = 0; k < metrics.size(); ++k) {
        row.push_back(csv ? raw_text(results[i].values[k])
                          : metric_text(metrics[k], results[i].values[k]));
      }
      t.add_row(row);
    }
    if (csv) {
      text = t.csv();
    } else {
      const std::string title = base->title.empty() ? o.file : base->title;
      const std::string how = describe(*settings) + " at each point";
      const std::string head = std::to_string(points) + " points; " + how + "; scenario sha256 " +
                               base->content_sha256.substr(0, 12);
      if (o.output.format == Format::md) {
        text = "# Sweep: " + title + "\n\n" + head + "\n\n" + t.markdown();
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
