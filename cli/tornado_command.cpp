// capflow tornado FILE [--vary PATH=LO:HI ...] [--metric M] [--svg FILE]
// Which inputs move a metric most: each input alone at LO and at HI, ranked by swing.

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "capflow/waterfall/rounding.hpp"
#include "capflow/whatif/tornado.hpp"
#include "capflow_report/tornado_chart.hpp"
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
  std::string metric;
  std::string svg;
  EvalOptions eval;
  std::vector<std::string> sets;
  OutputOptions output;
};

int run(const Options& o) {
  auto varies = parse_varies(o.varies, false, "tornado", std::cerr);
  if (!varies) return kExitBadInput;
  auto base = load_or_report(o.file, o.sets, std::cerr);
  if (!base) return kExitBadInput;
  auto settings = eval_settings(o.eval, "tornado", std::cerr);
  if (!settings) return kExitBadInput;
  std::string note;
  auto t = tornado_for(*base, o.file, o.sets, *varies, o.metric, *settings, std::cerr, note,
                       run_points_spread);  // under MPI: shared among the ranks
  if (!t) return kExitBadInput;
  const std::string& metric = t->metric;

  const std::string title = base->title.empty() ? o.file : base->title;
  std::string text;
  if (o.output.format == Format::json) {
    const ojson out = tornado_document(o.file, *base, *settings, note, *t);
    text = out.dump(2) + "\n";
  } else {
    const bool csv = o.output.format == Format::csv;
    TextTable tt;
    tt.add_column("input");
    for (const char* c : {"LO", "HI", "at LO", "at HI", "swing"}) {
      tt.add_column(c, TextTable::Align::right);
    }
    if (!csv) tt.add_column("source");
    for (const auto& r : t->rows) {
      const std::string lo = r.input.vary.value_text(0), hi = r.input.vary.value_text(1);
      if (csv) {
        tt.add_row({r.input.vary.path, lo, hi, raw_text(r.at_lo), raw_text(r.at_hi),
                    tornado_swing_text(r)});
      } else {
        tt.add_row({r.input.vary.path, value_label(lo), value_label(hi),
                    metric_text(metric, r.at_lo), metric_text(metric, r.at_hi),
                    metric_text(metric, MetricValue(r.swing)), r.input.source});
      }
    }
    if (csv) {
      text = tt.csv();
    } else {
      const std::string how = describe(*settings);
      const std::string head =
          "metric " + metric + "; base " + metric_text(metric, t->base) + "; " + how + "; " + note;
      if (o.output.format == Format::md) {
        text = "# Tornado: " + title + "\n\n" + head + "\n\n" + tt.markdown();
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
