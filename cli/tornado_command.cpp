// capflow tornado FILE [--vary PATH=LO:HI ...] [--metric M] [--svg FILE]
// Which inputs move a metric most: each input alone at LO and at HI, ranked by swing.

#include <atomic>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "capflow/waterfall/rounding.hpp"
#include "capflow/whatif/tornado.hpp"
#include "capflow_report/markdown_text.hpp"
#include "capflow_report/tornado_chart.hpp"
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
  std::string metric;
  std::string svg;
  EvalOptions eval;
  std::vector<std::string> sets;
  OutputOptions output;
};

int run(const Options& o) {
  auto varies = parse_varies(o.varies, false, "tornado", std::cerr);
  if (!varies) return kExitBadInput;
  auto base = load_command_scenario(o.file, o.sets);
  if (!base) return kExitBadInput;
  auto settings = eval_settings(o.eval, "tornado", std::cerr);
  if (!settings) return kExitBadInput;
  std::string note;
  // One run for the base and one for each input at LO and at HI: the progress line counts
  // their paths (this rank's, under MPI).
  std::size_t inputs = varies->size();
  if (inputs == 0) {
    std::string ignored;
    inputs = default_tornado_inputs(*base, ignored).size();
  }
  std::atomic<std::uint64_t> done{0};
  settings->progress = &done;
  std::optional<Tornado> t;
  {
    std::optional<Progress> progress;
    if (settings->mode == EvalMode::monte_carlo)
      progress.emplace(done, (2 * inputs + 1) * settings->paths, "capflow tornado", "paths",
                       job::is_root());
    t = tornado_for(*base, o.file, o.sets, *varies, o.metric, *settings, std::cerr, note,
                    run_points_spread);  // under MPI: shared among the ranks
  }
  if (!t) return kExitBadInput;
  const std::string& metric = t->metric;

  const std::string title = base->title.empty() ? o.file : base->title;
  std::string text;
  const Format f = o.output.format;
  if (f == Format::json || f == Format::csv || f == Format::xlsx) {
    text = document_text(tornado_document(*base, o.sets, *settings, note, *t), f);
  } else {
    TextTable tt;
    tt.add_column("input");
    for (const char* c : {"LO", "HI", "at LO", "at HI", "swing"}) {
      tt.add_column(c, TextTable::Align::right);
    }
    tt.add_column("source");
    for (const auto& r : t->rows) {
      const std::string lo = r.input.vary.value_text(0), hi = r.input.vary.value_text(1);
      tt.add_row({r.input.vary.path, value_label(r.input.vary.path, lo),
                  value_label(r.input.vary.path, hi), metric_text(metric, r.at_lo),
                  metric_text(metric, r.at_hi), metric_text(metric, MetricValue(r.swing)),
                  r.input.source});
    }
    {
      const std::string how = describe(*settings);
      const std::string head =
          "metric " + metric + "; base " + metric_text(metric, t->base) + "; " + how + "; " + note;
      if (o.output.format == Format::md) {
        text = "# Tornado: " + markdown_text(title) + "\n\n" + head + "\n\n" + tt.markdown();
      } else {
        text = "Tornado: " + title + "\n" + head + "\n\n" + tt.plain("  ");
      }
    }
  }
  // The chart first: if it cannot be written, no table claims the run succeeded.
  if (!o.svg.empty()) {
    if (auto err = emit(tornado_svg(*t, "tornado", "Tornado: " + metric), o.svg)) {
      std::cerr << "capflow tornado: --svg: " << *err << "\n";
      return kExitBadInput;
    }
  }
  if (auto err = emit(text, o.output.output_path)) {
    std::cerr << "capflow tornado: " << *err << "\n";
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace

Command setup_tornado(CLI::App& parent) {
  auto opts = std::make_shared<Options>();
  CLI::App* app = parent.add_subcommand(
      "tornado",
      "Which inputs move a metric most: each input alone at LO and at HI (the others at base),\n"
      "ranked by the swing; Monte Carlo on common random numbers, --deterministic (the exact\n"
      "projection) or --profit AMOUNT (the exact waterfall at that profit).\n"
      "Without --vary: each uncertainty input from p10 to p90, else each cap and the terminal\n"
      "multiple from 0.5x to 1.5x. Examples:\n"
      "  capflow tornado scenarios/openai-2024-round.json --svg tornado.svg\n"
      "  capflow tornado scenarios/openai-2024-round.json --deterministic \\\n"
      "      --vary /holders/microsoft/cap=46B:138B --metric /holders/nonprofit/total");
  app->add_option("file", opts->file,
                  "Scenario file (JSON); needs a \"projection\" unless --profit")
      ->required();
  app->add_option("--vary", opts->varies,
                  "PATH=LO:HI: an input and its low and high values (money like 46B, or shares "
                  "like 30%); repeatable")
      ->allow_extra_args(false)
      ->type_name("PATH=LO:HI");
  app->add_option("--metric", opts->metric,
                  "The metric ranked: a JSON pointer into the run result (default: the residual "
                  "holder's /nominal/mean; with --deterministic its /total; with --profit its "
                  "/received)")
      ->type_name("POINTER");
  app->add_option("--svg", opts->svg, "Also write the tornado chart as SVG to FILE (atomic)")
      ->type_name("FILE");
  add_eval_options(*app, opts->eval);
  add_set_option(*app, opts->sets);
  add_output_options(*app, opts->output);
  return {app, [opts] { return run(*opts); }, true};
}

}  // namespace capflow::cli
