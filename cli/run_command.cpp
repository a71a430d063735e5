// capflow run FILE
// Monte Carlo payout distributions (docs/monte-carlo.md).

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "capflow/documents/run_job.hpp"
#include "capflow/montecarlo/monte_carlo.hpp"
#include "commands.hpp"
#include "count_options.hpp"
#include "exit_codes.hpp"
#include "job.hpp"
#include "output.hpp"
#include "progress.hpp"
#include "rank_stats.hpp"
#include "run_result.hpp"
#include "scenario_input.hpp"
#include "seed_option.hpp"

namespace capflow::cli {
namespace {

struct Options {
  std::string file;
  std::uint64_t paths = 10000;
  std::uint64_t seed = 42;
  unsigned threads = 0;
  std::string shard;
  bool sharded = false;  // --shard given (even as "", which is no K/N)
  double precision = 0;
  bool quiet = false;
  bool accumulators = false;
  std::string compute = "all";  // --compute, checked by metric_groups()
  std::vector<std::string> sets;
  OutputOptions output;
};

bool parse_shard(const std::string& s, std::uint64_t& k, std::uint64_t& n) {
  auto slash = s.find('/');
  if (slash == std::string::npos) return false;
  // Digits only: std::stoull would accept "-3" and wrap it around.
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i != slash && (s[i] < '0' || s[i] > '9')) return false;
  }
  try {
    std::size_t a = 0, b = 0;
    k = std::stoull(s.substr(0, slash), &a);
    n = std::stoull(s.substr(slash + 1), &b);
    return a == slash && b == s.size() - slash - 1 && n >= 1;
  } catch (const std::exception&) {
    return false;
  }
}

// --precision: a relative standard error in (0, 1].
CLI::Validator relative_precision() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(s.c_str(), &end);
        if (s.empty() || end != s.c_str() + s.size() || !(v > 0 && v <= 1)) {
          return "expected a relative standard error above 0 and at most 1, e.g. 0.01 (1% of each "
                 "mean); found \"" +
                 s + "\"";
        }
        return {};
      },
      "REL");
}

// --compute: "all" or group names joined by commas (MetricGroups::parse).
CLI::Validator metric_groups() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        const auto groups = MetricGroups::parse(s);
        return groups ? std::string() : groups.error();
      },
      "LIST");
}

int run(const Options& o) {
  const MetricGroups groups = MetricGroups::parse(o.compute).value();  // metric_groups() checked it
  if (o.paths == 0 || o.paths > kMaxPaths) {
    std::cerr << "capflow run: --paths " << o.paths << " is out of range; expected 1 to "
              << kMaxPaths << "\n";
    return kExitBadInput;
  }
  std::uint64_t shard_k = 0, shard_n = 1;
  if (o.sharded && !parse_shard(o.shard, shard_k, shard_n)) {
    std::cerr << "capflow run: --shard \"" << o.shard
              << "\": expected K/N with 0 <= K < N (e.g. 0/4)\n";
    return kExitBadInput;
  }
  if (shard_k >= shard_n) {
    std::cerr << "capflow run: --shard " << o.shard
              << ": shards are numbered from 0, so the shards of " << shard_n << " are 0/"
              << shard_n << " to " << shard_n - 1 << "/" << shard_n << "\n";
    return kExitBadInput;
  }
  if (shard_n > o.paths) {
    std::cerr << "capflow run: --shard " << o.shard << ": more shards than paths\n";
    return kExitBadInput;
  }
  if (o.sharded && o.precision > 0) {
    std::cerr << "capflow run: --precision and --shard cannot be combined (each shard would stop "
                 "on its own)\n";
    return kExitBadInput;
  }
  if (o.precision > 0 && !groups.has(MetricGroup::nominal) && !groups.has(MetricGroup::pv)) {
    std::cerr << "capflow run: --precision watches the holders' mean payouts: --compute needs "
                 "nominal or pv with it\n";
    return kExitBadInput;
  }
  auto scenario = load_command_scenario(o.file, o.sets);
  if (!scenario) return kExitBadInput;
  if (!scenario->projection) {
    std::cerr << o.file
              << ": no \"projection\" section: `capflow run` simulates the year-by-year model "
                 "(see docs/scenario-format.md)\n";
    return kExitBadInput;
  }
  std::unique_ptr<MonteCarlo> mc;
  try {
    mc = std::make_unique<MonteCarlo>(*scenario);
  } catch (const MonteCarloInputError& e) {
    std::cerr << o.file << ": " << e.what() << "\n";
    return kExitBadInput;
  }
  RunJob rj;
  rj.paths = o.paths;
  rj.seed = o.seed;
  rj.threads = o.threads > 0 ? o.threads : job::default_threads();
  rj.shard_k = shard_k;
  rj.shard_n = shard_n;
  rj.shard = o.shard;
  rj.precision = o.precision;
  rj.groups = groups;
  rj.accumulators = o.accumulators;
  rj.overrides = o.sets;
  std::atomic<std::uint64_t> done{0};
  rj.progress = &done;
  // Under MPI the ranks share each request (the same batches a single process would
  // run) and rank 0 decides for all whether a precision batch is the last.
  rj.runner = [&](const RunRequest& r) { return run_on_ranks(*mc, r); };
  rj.agree = [](bool stop) { return job::broadcast(stop ? "1" : "0") == "1"; };
  const bool show = job::is_root() && !o.quiet && isatty(STDERR_FILENO);
  RunOutcome outcome;
  {
    std::uint64_t total = progress_total(rj);
    if (o.precision <= 0) {
      const auto [begin, end] = shard_range(rj);
      const auto [b, e] = rank_range(begin, end);
      total = e - b;  // rank 0's share
    }
    Progress progress(done, total, "capflow run", "paths", show);
    outcome = run_job(*mc, *scenario, rj);
  }
  if (!job::is_root()) return kExitOk;
  outcome.meta.ranks = job::under_mpi() ? static_cast<unsigned>(job::size()) : 0;
  const RunMeta& meta = outcome.meta;
  const RunStats& stats = outcome.stats;
  if (!meta.precision_note.empty() && !o.quiet)
    std::cerr << "capflow run: " << meta.precision_note << "\n";
  std::string text = render_run(*scenario, meta, stats, o.output.format);
  if (auto err = emit(text, o.output.output_path)) {
    std::cerr << "capflow run: " << *err << "\n";
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace

Command setup_run(CLI::App& parent) {
  auto opts = std::make_shared<Options>();
  CLI::App* app = parent.add_subcommand(
      "run",
      "Monte Carlo: the distribution of each holder's payout (mean, sd, se, percentiles, P(cap),\n"
      "MOIC, IRR) and company outcomes. Bit-identical for any --threads; shards merge exactly.\n"
      "Examples:\n"
      "  capflow run scenarios/openai-2024-round.json\n"
      "  capflow run scenarios/bench.json --paths 1000000 --format json -o result.json\n"
      "  capflow run scenarios/bench.json --paths 1000000 --shard 0/2 -o part0.json   (then "
      "capflow merge)");
  app->add_option("file", opts->file,
                  "Scenario file (JSON) with \"projection\" and \"uncertainty\"")
      ->required();
  app->add_option("--paths", opts->paths,
                  "Number of paths, 1 to 1e10 (default 10000; the cap with --precision)")
      ->transform(path_count())
      ->type_name("N");
  app->add_option("--seed", opts->seed, "Seed of the counter-based generator (default 42)")
      ->check(seed_check());
  app->add_option("--threads", opts->threads, "Worker threads (default: all cores)")
      ->check(thread_count())
      ->type_name("N");
  app->add_option_function<std::string>(
         "--shard",
         [o = opts.get()](const std::string& s) {
           o->shard = s;
           o->sharded = true;
         },
         "Run only shard K of N (K/N, from 0) of the --paths; merge with capflow merge")
      ->type_name("K/N");
  app->add_option(
         "--precision", opts->precision,
         "Add paths until every holder's mean has a standard error below REL x mean (e.g. 0.01)")
      ->type_name("REL")
      ->check(relative_precision());
  app->add_option(
         "--compute", opts->compute,
         "Distributions to compute: all (default) or some of nominal,pv,moic,irr,company;\n"
         "fewer is faster (P(cap), cap year and P(>0) always come)")
      ->type_name("LIST")
      ->check(metric_groups());
  app->add_flag("--quiet", opts->quiet, "No progress or notes on stderr");
  app->add_flag("--accumulators", opts->accumulators,
                "Include the exact accumulators in JSON output (always on with --shard)");
  add_set_option(*app, opts->sets);
  add_output_options(*app, opts->output);
  return {app, [opts] { return run(*opts); }, true};
}

}  // namespace capflow::cli
