// capflow diff A B
// Two scenarios (their inputs, then their results on common random numbers, or exactly)
// or two saved outputs (key by key). Exit 1 when anything differs beyond --tolerance.

#include <re2/re2.h>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "capflow/whatif/paired_run.hpp"
#include "capflow/whatif/result_diff.hpp"
#include "capflow/whatif/scenario_diff.hpp"
#include "commands.hpp"
#include "count_options.hpp"
#include "diff_report.hpp"
#include "exit_codes.hpp"
#include "job.hpp"
#include "output.hpp"
#include "progress.hpp"
#include "rank_stats.hpp"
#include "result_file.hpp"
#include "scenario_input.hpp"
#include "seed_option.hpp"

namespace capflow::cli {
namespace {

struct Options {
  std::string a, b;
  std::vector<std::string> sets, sets_a, sets_b;
  std::uint64_t paths = 10000;
  std::uint64_t seed = 42;
  unsigned threads = 0;
  bool deterministic = false;
  std::vector<std::string> profits;
  std::vector<std::string> metrics;
  std::string tolerance = "0";
  bool all = false;
  OutputOptions output;
};

// ---- selection ------------------------------------------------------------------------

// --metric: a JSON pointer prefix ("/holders/microsoft": whole segments) or, when it has
// regular-expression syntax or does not start with '/', a regular expression searched in
// the pointer ("p_cap|pv/mean"). RE2 (linear time, no backreferences): a user's pattern
// must not take exponential time, as a backtracking std::regex can.
struct Selector {
  std::vector<std::string> prefixes;
  std::vector<std::unique_ptr<re2::RE2>> patterns;
  bool empty() const { return prefixes.empty() && patterns.empty(); }
  bool matches(const std::string& pointer) const {
    if (empty()) return true;
    for (const auto& p : prefixes) {
      if (pointer == p || (pointer.starts_with(p) && (p.back() == '/' || pointer[p.size()] == '/')))
        return true;
    }
    for (const auto& r : patterns) {
      if (re2::RE2::PartialMatch(pointer, *r)) return true;
    }
    return false;
  }
};

// ---- the command ----------------------------------------------------------------------

// What a file is, by content: a scenario, or the JSON output of a capflow command.
struct Input {
  OutputKind kind = OutputKind::json;
  nlohmann::ordered_json doc;
  bool parsed = false;
  std::string error;  // why it could not be read as JSON, when !parsed
};

Input classify(const std::string& path) {
  Input in;
  auto r = read_json_file(path);
  if (!r) {
    // Not JSON (or not readable): if it is meant as a scenario, the scenario loader
    // reports the problem with line and column.
    in.kind = OutputKind::scenario;
    in.error = r.error();
    return in;
  }
  in.doc = std::move(r).value();
  in.parsed = true;
  in.kind = output_kind(in.doc);
  return in;
}

int run(const Options& o) {
  const char* me = "capflow diff: ";
  auto tolerance = Tolerance::parse(o.tolerance);
  if (!tolerance) {
    std::cerr << me << "--tolerance \"" << o.tolerance << "\": " << tolerance.error() << "\n";
    return kExitBadInput;
  }
  Selector selector;
  for (const auto& m : o.metrics) {
    // A plain pointer is a prefix; anything with regex syntax is a regular expression.
    if (m.starts_with("/") && m.find_first_of("|()[]{}*+?^$\\") == std::string::npos) {
      selector.prefixes.push_back(m);
      continue;
    }
    re2::RE2::Options options;
    options.set_log_errors(false);
    auto re = std::make_unique<re2::RE2>(m, options);
    if (!re->ok()) {
      std::cerr << me << "--metric \"" << m << "\": not a JSON pointer (those start with '/') nor "
                << "a valid regular expression: " << re->error() << "\n";
      return kExitBadInput;
    }
    selector.patterns.push_back(std::move(re));
  }
  std::vector<Money> profits;
  for (const auto& p : o.profits) {
    auto v = parse_money(p);
    if (!v || v.value() < 0) {
      std::cerr << me << "--profit \"" << p << "\": " << (v ? "profit must be >= 0" : v.error())
                << "\n";
      return kExitBadInput;
    }
    profits.push_back(v.value());
  }

  const Input ia = classify(o.a), ib = classify(o.b);
  for (const auto& [in, other] : {std::pair{&ia, &ib}, std::pair{&ib, &ia}}) {
    if (!in->parsed && other->parsed && other->kind != OutputKind::scenario) {
      std::cerr << in->error << "\n";
      return kExitBadInput;
    }
  }
  const bool scen_a = ia.kind == OutputKind::scenario, scen_b = ib.kind == OutputKind::scenario;
  if (scen_a != scen_b || (!scen_a && ia.kind != ib.kind)) {
    std::cerr << me << o.a << " is " << output_kind_name(ia.kind) << " but " << o.b << " is "
              << output_kind_name(ib.kind)
              << ": diff compares two scenarios, two outputs of the same command, or two plain "
                 "JSON files (a scenario has \"schema\": \"capflow/scenario/v1\"; an output's "
                 "kind is its meta.schema)\n";
    return kExitBadInput;
  }

  DiffReport report;
  report.file_a = o.a;
  report.file_b = o.b;
  report.kind_a = scen_a ? "scenario" : output_kind_name(ia.kind);
  report.kind_b = scen_b ? "scenario" : output_kind_name(ib.kind);
  report.tolerance = o.tolerance;
  report.all = o.all;

  if (!scen_a) {
    if (!o.sets.empty() || !o.sets_a.empty() || !o.sets_b.empty() || o.deterministic ||
        !profits.empty()) {
      std::cerr << me
                << "--set, --set-a, --set-b, --deterministic and --profit apply to "
                   "scenarios; "
                << o.a << " and " << o.b << " are saved outputs\n";
      return kExitBadInput;
    }
    diff_saved_outputs(ia.doc, ib.doc, report);
  } else {
    auto with = [](std::vector<std::string> v, const std::vector<std::string>& more) {
      v.insert(v.end(), more.begin(), more.end());
      return v;
    };
    ScenarioDiffRequest req;
    req.a = o.a;
    req.b = o.b;
    req.sets_a = with(o.sets, o.sets_a);
    req.sets_b = with(o.sets, o.sets_b);
    req.deterministic = o.deterministic;
    req.profits = profits;
    req.paths = o.paths;
    req.seed = o.seed;
    req.threads = o.threads > 0 ? o.threads : job::default_threads();
    // Under MPI each rank runs the slice of the paths run would give it, and rank 0
    // merges the exact accumulators (rank_stats.hpp).
    const auto [first, end] = rank_range(0, o.paths);
    req.first_path = first;
    req.end_path = end;
    if (job::size() > 1) {
      req.gather = [](const nlohmann::json& mine) {
        const auto bytes = nlohmann::json::to_cbor(mine);
        std::vector<nlohmann::json> others;
        const auto parts = job::gather(std::string(bytes.begin(), bytes.end()));
        for (std::size_t r = 1; r < parts.size(); ++r) {
          others.push_back(nlohmann::json::from_cbor(parts[r]));
        }
        return others;
      };
    }
    std::atomic<std::uint64_t> done{0};
    req.progress = &done;
    {
      // Counts Monte Carlo paths (this rank's); the exact comparisons finish at once.
      Progress progress(done, end - first, "capflow diff", "paths", job::is_root());
      if (!diff_scenarios(req, report, std::cerr)) return kExitBadInput;
    }
    add_input_files(report.files_read);
    if (report.mode == DiffMode::monte_carlo) {
      job::test_fault("diff");
      // Elsewhere the results are of this rank's paths alone: rank 0 reports.
      if (!job::is_root()) return kExitOk;
    }
  }

  if (!selector.empty()) {
    std::vector<Comparison> kept;
    for (auto& c : report.results) {
      if (selector.matches(c.pointer)) kept.push_back(std::move(c));
    }
    if (kept.empty()) {
      std::cerr << me << "--metric";
      for (const auto& m : o.metrics) std::cerr << " \"" << m << "\"";
      std::cerr << " matches none of the " << report.results.size() << " compared values";
      if (!report.results.empty()) {
        std::cerr << "; they look like " << report.results.front().pointer;
        if (report.results.size() > 1) std::cerr << ", " << report.results.back().pointer;
      }
      std::cerr << " (--format json lists them all)\n";
      return kExitBadInput;
    }
    report.results = std::move(kept);
  }
  apply_tolerance(report, tolerance.value());
  const std::string text = render_diff(report, o.output.format);
  if (auto err = emit(text, o.output.output_path)) {
    std::cerr << me << *err << "\n";
    return kExitBadInput;
  }
  // Input changes count as differences unless the comparison is narrowed by --metric.
  const bool inputs_differ = selector.empty() && !report.inputs.changes.empty();
  return beyond_count(report) > 0 || inputs_differ ? kExitDifferences : kExitOk;
}

}  // namespace

Command setup_diff(CLI::App& parent) {
  auto opts = std::make_shared<Options>();
  CLI::App* app = parent.add_subcommand(
      "diff",
      "Compare two scenarios (inputs, then results on common random numbers, or exactly) or two\n"
      "saved JSON outputs of capflow (key by key). Exit 1 if anything differs beyond --tolerance.\n"
      "Examples:\n"
      "  capflow diff scenarios/openai-2024-round.json scenarios/openai-deadline-missed.json\n"
      "  capflow diff scenarios/openai-wsj-2023.json scenarios/openai-fortune-2023.json\n"
      "  capflow diff S.json S.json --set-b holders.microsoft.cap=120B --metric microsoft\n"
      "  capflow diff saved.json new.json --tolerance 0.5%");
  app->add_option("a", opts->a, "Scenario or saved output A (the reference)")->required();
  app->add_option("b", opts->b, "Scenario or saved output B")->required();
  add_set_option(*app, opts->sets);
  app->add_option("--set-a", opts->sets_a, "Like --set, on A only")
      ->type_name("PATH=VALUE")
      ->allow_extra_args(false);
  app->add_option("--set-b", opts->sets_b, "Like --set, on B only")
      ->type_name("PATH=VALUE")
      ->allow_extra_args(false);
  app->add_option("--paths", opts->paths, "Monte Carlo paths per scenario (default 10000)")
      ->transform(path_count())
      ->type_name("N");
  app->add_option("--seed", opts->seed, "Seed shared by both runs (default 42)")
      ->check(seed_check());
  app->add_option("--threads", opts->threads, "Worker threads (default: all cores)")
      ->check(thread_count())
      ->type_name("N");
  app->add_flag("--deterministic", opts->deterministic,
                "Compare the exact base cases (capflow project) instead of Monte Carlo");
  app->add_option("--profit", opts->profits,
                  "Waterfall-only scenarios: also compare the allocations at this profit "
                  "(repeatable)")
      ->type_name("AMOUNT")
      ->allow_extra_args(false);
  app->add_option("--metric", opts->metrics,
                  "Only these values: a JSON pointer prefix (/holders/microsoft) or a regular "
                  "expression (p_cap|pv) (repeatable)")
      ->type_name("SEL")
      ->allow_extra_args(false);
  app->add_option("--tolerance", opts->tolerance,
                  "Differences up to ABS (e.g. 0.01, 5M) or REL% of the larger value (e.g. 1%) "
                  "do not count (default 0)")
      ->type_name("ABS|REL%");
  app->add_flag("--all", opts->all, "Table and md: list equal values too (exact comparisons)");
  add_output_options(*app, opts->output, {Format::table, Format::json, Format::csv, Format::md});
  return {app, [opts] { return run(*opts); }, true};
}

}  // namespace capflow::cli
