#include "eval_options.hpp"

#include <algorithm>
#include <ostream>

#include "job.hpp"
#include "seed_option.hpp"

namespace capflow::cli {

void add_eval_options(CLI::App& app, EvalOptions& o) {
  app.add_flag("--deterministic", o.deterministic,
               "Evaluate the exact projection (capflow project) instead of a Monte Carlo run; "
               "metrics then name keys of project's totals, e.g. /holders/microsoft/total");
  app.add_option("--profit", o.profit,
                 "Evaluate the exact waterfall at this total profit (e.g. 500B) instead; metrics "
                 "then name /holders/ID/received, capped or share_of_profit; works without a "
                 "projection")
      ->type_name("AMOUNT");
  app.add_option("--paths", o.paths, "Monte Carlo paths per run (default 10000)")
      ->check(digits_check())
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{100000000}));
  app.add_option("--seed", o.seed, "Seed shared by every run (default 42)")->check(seed_check());
  app.add_option("--threads", o.threads,
                 "Worker threads (default: all cores; results do not change)")
      ->check(CLI::Range(1u, 1024u));
}

std::optional<EvalSettings> eval_settings(const EvalOptions& o, const std::string& command,
                                          std::ostream& err) {
  EvalSettings s;
  s.seed = o.seed;
  s.paths = o.paths;
  s.threads = o.threads > 0 ? o.threads : job::default_threads();
  s.mode = o.deterministic ? EvalMode::deterministic : EvalMode::monte_carlo;
  if (!o.profit.empty()) {
    if (o.deterministic) {
      err << "capflow " << command
          << ": --profit and --deterministic cannot be combined (--profit evaluates the "
             "waterfall alone, --deterministic the projection)\n";
      return std::nullopt;
    }
    auto p = parse_money(o.profit);
    if (!p) {
      err << "capflow " << command << ": --profit " << p.error() << "\n";
      return std::nullopt;
    }
    if (p.value() < 0) {
      err << "capflow " << command << ": --profit \"" << o.profit
          << "\": profit must be >= 0 (the waterfall distributes profit, not losses)\n";
      return std::nullopt;
    }
    s.mode = EvalMode::waterfall;
    s.profit = p.value();
  }
  return s;
}

}  // namespace capflow::cli
