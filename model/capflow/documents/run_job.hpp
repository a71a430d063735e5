#pragma once
// A whole `capflow run` as every front end asks for it: the path range of a shard, or
// batches of doubling size until --precision is reached, and the RunMeta that goes with
// the statistics into run_document(). The CLI and the Python module call this, so a run
// from either gives the same document.

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "capflow/documents/run_document.hpp"
#include "capflow/montecarlo/metric_groups.hpp"
#include "capflow/montecarlo/monte_carlo.hpp"
#include "capflow/terms/scenario.hpp"

namespace capflow {

struct RunJob {
  std::uint64_t paths = 10000;  // the run's paths; the cap when precision > 0
  std::uint64_t seed = 42;
  unsigned threads = 0;  // 0: every core
  // Shard shard_k of shard_n (0 <= k < n <= paths); shard is its "K/N" text, empty for
  // the whole run. A shard never has a precision.
  std::uint64_t shard_k = 0, shard_n = 1;
  std::string shard;
  // > 0: add paths until every holder's mean is known to this relative standard error.
  // REQUIRES: groups has nominal or pv.
  double precision = 0;
  MetricGroups groups = MetricGroups::all();
  bool accumulators = false;  // exact accumulators in the document (always for a shard)
  std::atomic<std::uint64_t>* progress = nullptr;
  const std::atomic<bool>* cancel = nullptr;  // see RunRequest::cancel
  // How a request's paths are run: mc.run when empty. An MPI front end shares them among
  // its ranks and merges the exact accumulators (cli/rank_stats.hpp).
  std::function<RunStats(const RunRequest&)> runner;
  // Whether to stop adding precision batches: the decision as one process takes it,
  // made the same on every rank by a front end that runs several (identity when empty).
  std::function<bool(bool)> agree;
};

struct RunOutcome {
  RunMeta meta;
  RunStats stats;
  bool cancelled = false;  // job.cancel was set: stats are partial, not a result
};

// The first and one-past-last path of the job's shard (the whole run without one).
std::pair<std::uint64_t, std::uint64_t> shard_range(const RunJob& job);

// The paths a progress display counts to: the shard's, or the cap with a precision.
std::uint64_t progress_total(const RunJob& job);

// Runs the job on mc (built from s, whose file names the document's scenario).
RunOutcome run_job(const MonteCarlo& mc, const Scenario& s, const RunJob& job);

}  // namespace capflow
