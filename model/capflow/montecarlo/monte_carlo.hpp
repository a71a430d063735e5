#pragma once
// Layer montecarlo/ — random streams and lanes, distributions and events, path engines
// (general, lean, batch), metric groups, statistics and sketches, the driver (this
// file). Uses io/, terms/, simd/, waterfall/, projection/; never documents/ or whatif/.
// (docs/architecture.md; scripts/check-layers enforces it.)
//
// The Monte Carlo engine (docs/monte-carlo.md): each path runs the year-by-year model
// (ProjectionEngine<double>) on inputs drawn from the scenario's uncertainty, and the
// results are accumulated into statistics that merge exactly. A run is a pure function
// of (scenario, seed, path range): path i draws from Philox keyed by (seed, i), so the
// thread count and any sharding change nothing in the result.

#include <atomic>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <vector>

#include "capflow/montecarlo/distributions.hpp"
#include "capflow/montecarlo/metric_groups.hpp"
#include "capflow/montecarlo/statistics.hpp"
#include "capflow/projection/projection.hpp"
#include "capflow/terms/scenario.hpp"

namespace capflow {

class PathRandom;

// Thrown by MonteCarlo's constructor for scenarios it cannot run (a bad-input error).
class MonteCarloInputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct HolderStats {
  Metric nominal{1};  // everything received, in dollars (waterfall/equity, terminal, other)
  Metric pv{1};       // its present value
  Metric moic{1e6};   // received / invested, on paths where the holder invested
  Metric irr{1e6};    // on paths where the IRR is defined
  Counts cap_year;    // year the holder first stood at its cap (paths that reached it)
  std::uint64_t ended_at_cap = 0;
  std::uint64_t received_any = 0;
  std::uint64_t irr_undefined = 0;
  // Paths where the holder received at least its cap as it stood at the start, whether
  // or not a conversion later removed the caps.
  std::uint64_t received_original_cap = 0;
  // Nominal receipts by how the path ended: [0] not converted, [1 + k] conversion
  // outcome k (only when the scenario has a conversion).
  std::vector<Moments> by_outcome;
  void merge(const HolderStats& o);
};

struct CompanyStats {
  Metric cumulative_loss{1};    // deepest cumulative loss over the years (>= 0)
  Metric peak_funding_need{1};  // outside money needed at most (shadow cash below the floor)
  Metric refund_owed{1};
  Counts first_profit_year;   // -1: no profitable year in the horizon
  Counts conversion_year;     // -1: no conversion in the horizon
  Counts default_year;        // -1: no default in the horizon
  Counts conversion_outcome;  // -1: not converted, else the outcome's index
  std::uint64_t deadline_missed = 0;
  std::uint64_t refund_unpaid = 0;  // paths where a refund due was not paid in full
  void merge(const CompanyStats& o);
};

struct RunStats {
  std::uint64_t paths = 0;
  // The distributions computed; the others stay empty (no values). The counts of
  // HolderStats are always kept, irr_undefined only with the IRR.
  MetricGroups groups = MetricGroups::all();
  std::vector<HolderStats> holders;
  CompanyStats company;
  // How many threads ran (fewer than requested when some could not be started: the
  // result is the same bits). Informational, not in the accumulators; a merge keeps the
  // larger.
  unsigned threads_ran = 0;
  // Throws std::invalid_argument if o computed other groups: the sum would mix paths
  // that counted a distribution with paths that did not.
  void merge(const RunStats& o);
  // Exact accumulators, for shards and `capflow merge`: the groups and theirs only.
  nlohmann::json to_json() const;
  // Throws AccumulatorError (statistics.hpp), naming the place of the fault.
  static RunStats from_json(const nlohmann::json& j, std::size_t holders);
};

struct RunRequest {
  std::uint64_t seed = 42;
  std::uint64_t first_path = 0;  // paths [first_path, first_path + paths)
  std::uint64_t paths = 10000;
  unsigned threads = 1;
  std::atomic<std::uint64_t>* progress = nullptr;  // paths done, updated by the workers
  // When set and true, workers take no new chunk: the run returns early with the paths
  // done so far (a front end's interrupt; the partial statistics are not a result).
  const std::atomic<bool>* cancel = nullptr;
  // Lean scenarios run kWidth paths at a time where the CPU allows it, to the same bits
  // as one at a time; false runs them one at a time (tests compare the two).
  bool lanes = true;
  MetricGroups groups = MetricGroups::all();  // what to compute (RunStats::groups)
};

class MonteCarlo {
 public:
  // REQUIRES: scenario.projection. Throws MonteCarloInputError for a random input whose
  // target the scenario cannot take (e.g. an amount for a year given as a ratio).
  explicit MonteCarlo(const Scenario& scenario);
  RunStats run(const RunRequest& request) const;
  std::size_t holders() const { return terms_.holders; }
  // Whether this CPU runs the lane engine (AVX2), and whether this scenario may use it.
  static bool lanes_supported();
  bool runs_in_lanes() const { return batch_; }
  Year first_year() const { return terms_.first_year; }
  // The conversion's outcome names, in order (empty without a conversion).
  const std::vector<std::string>& conversion_outcomes() const { return outcome_names_; }

  // One path, for tests: the summary of path `path` under `seed`.
  PathSummary<double> simulate_one(std::uint64_t seed, std::uint64_t path) const;

  // For tests: a path's summary and per-holder IRR (nullopt where none), from the
  // one-path engine, and those of kWidth paths from the lane engine; the two must agree
  // bit for bit. simulate_lanes REQUIRES runs_in_lanes().
  struct PathResult {
    PathSummary<double> summary;
    std::vector<std::optional<double>> irr;
  };
  PathResult simulate_one_full(std::uint64_t seed, std::uint64_t path) const;
  std::vector<PathResult> simulate_lanes(std::uint64_t seed, const std::uint64_t* paths) const;

  // Paths [begin, end) year by year, for charts over the years (the report's fan chart):
  // calls visit(path, record) after each year. Always the general year step, which fills
  // every field of the record; its summary equals the lean path's bit for bit. One
  // worker serves the whole range (no allocation per path).
  void simulate_years(
      std::uint64_t seed, std::uint64_t begin, std::uint64_t end,
      const std::function<void(std::uint64_t, const YearRecord<double>&)>& visit) const;

 private:
  // What one random input changes on a path.
  struct Effect {
    InputTarget::Kind kind = InputTarget::Kind::none;
    std::vector<std::size_t> years;  // year indices affected
    std::size_t line = 0;
    HolderIndex holder = 0;
    Year cap_growth_from = 0;
    std::size_t outcome = 0;
  };
  struct Worker;
  // Draws (monte_carlo_draws.cpp): one path's inputs into w.inputs, or the inputs of
  // kWidth paths into w.lane_inputs.
  void reset_inputs(PathInputs<double>& in) const;
  void draw_inputs(std::uint64_t seed, std::uint64_t path, Worker& w) const;
  void draw_named(const PathRandom& rng, Worker& w, PathInputs<double>& in) const;
  void draw_processes(const PathRandom& rng, Worker& w) const;
  void draw_events(const PathRandom& rng, PathInputs<double>& in) const;
  void draw_lanes(std::uint64_t seed, const std::uint64_t* paths, Worker& w) const;
  // Year i of the yearly processes (monte_carlo_processes.hpp) for one path (T double)
  // or kWidth paths (T lanes::Real): that year's correlated shocks from the normals
  // (process k's at normals[k * stride + i]) into `in`. z, y: scratch, shock: each
  // process's last shock. NP: the number of processes if known at compile time (the
  // loops then unroll and the scratch stays in registers), else 0.
  template <std::size_t NP = 0, class T, class Inputs>
  void process_year(int i, const T* normals, std::size_t stride, T* z, T* y, T* shock,
                    Inputs& in) const;

  // Sets lean_ and batch_: whether paths can run on the lean step, and in lanes.
  void choose_path_engine(bool converts);
  void simulate(std::uint64_t seed, std::uint64_t path, Worker& w) const;
  void run_range(std::uint64_t seed, std::uint64_t begin, std::uint64_t end, bool lanes,
                 Worker& w) const;
  // kWidth paths through the lane engine: summaries in w.batch, IRRs in w.lane_irr.
  void run_batch(std::uint64_t seed, const std::uint64_t* paths, Worker& w) const;
  void run_lanes(std::uint64_t seed, std::uint64_t begin, std::uint64_t end, Worker& w) const;
  // The IRRs of the path just simulated one at a time, into w.irr.
  void one_path_irr(Worker& w) const;
  // Adds one path's results to the statistics; irr[h]: the holder's IRR on the path,
  // where it invests.
  void accumulate(const PathSummary<double>& s, const std::optional<double>* irr,
                  std::size_t outcome, RunStats& st) const;
  // accumulate() for the first `count` lanes of the batch just run in w.batch, with the
  // same results, lane-wise where it can.
  void accumulate_lanes(std::size_t count, Worker& w) const;

  ProjectionTerms<double> terms_;
  PathInputs<double> base_;
  std::vector<Sampler> samplers_;
  std::vector<std::uint32_t> input_streams_;
  std::vector<Effect> effects_;
  std::vector<double> input_chol_;  // lower-triangular Cholesky factor, row-major
  std::vector<double> process_chol_;
  std::vector<ProcessSpec> processes_;
  std::vector<std::uint32_t> process_streams_;
  std::optional<ConversionEventSpec> conversion_event_;
  std::optional<CrashEventSpec> crash_event_;
  std::optional<Date> base_conversion_;
  // The conversion's outcomes: cumulative probabilities (drawn per path when several),
  // and their names (empty without a conversion).
  std::vector<double> outcome_cdf_;
  std::vector<std::string> outcome_names_;
  // IRR: per holder, money invested before the projection, as (year offset, amount)
  // with offsets from irr_origin_.
  Year irr_origin_ = 0;
  int irr_span_ = 0;
  std::vector<std::vector<std::pair<int, double>>> prior_investments_;
  std::vector<char> holder_invests_;
  std::vector<HolderIndex> investors_;  // the holders where holder_invests_, in order
  // Of those, the ones invested before the projection: on a lean path, the holders
  // with an IRR.
  std::vector<HolderIndex> irr_holders_;
  bool lean_ = false;   // every path runs on LeanPath (lean_path.hpp)
  bool batch_ = false;  // ... and runs kWidth at a time (batch_path.hpp)
  struct Resets {
    bool revenue_fixed = false, revenue_growth = false, caps = false, cap_growth = false;
    bool claims_valuation = false;
    std::vector<char> cost_line;
  } resets_;
};

}  // namespace capflow
