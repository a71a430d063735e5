#include "capflow/documents/run_job.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <thread>

namespace capflow {
namespace {

// The distribution --precision watches: the nominal payout, or its present value when
// the run does not compute the nominal one.
MetricGroup precision_group(const MetricGroups& groups) {
  return groups.has(MetricGroup::nominal) ? MetricGroup::nominal : MetricGroup::pv;
}

// True when every holder's mean payout (precision_group) is known to within `rel` (its
// standard error below rel × |mean|); holders whose payout is always zero do not count.
bool precise_enough(const RunStats& st, double rel) {
  const bool nominal = precision_group(st.groups) == MetricGroup::nominal;
  for (const auto& h : st.holders) {
    const Moments& m = nominal ? h.nominal.moments : h.pv.moments;
    const double mean = m.mean();
    if (mean == 0) continue;
    if (m.se() > rel * std::fabs(mean)) return false;
  }
  return true;
}

// --precision as people write it: 0.01 is "1%", 0.005 "0.5%" (not "1.000000%").
std::string percent_text(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g%%", fraction * 100);
  return buf;
}

bool cancelled(const RunJob& job) {
  return job.cancel != nullptr && job.cancel->load();
}

}  // namespace

std::pair<std::uint64_t, std::uint64_t> shard_range(const RunJob& job) {
  return {job.paths * job.shard_k / job.shard_n, job.paths * (job.shard_k + 1) / job.shard_n};
}

std::uint64_t progress_total(const RunJob& job) {
  if (job.precision > 0) return job.paths;
  const auto [begin, end] = shard_range(job);
  return end - begin;
}

RunOutcome run_job(const MonteCarlo& mc, const Scenario& s, const RunJob& job) {
  if (job.precision > 0 && !job.groups.has(MetricGroup::nominal) &&
      !job.groups.has(MetricGroup::pv)) {
    throw std::invalid_argument("a precision watches the holders' mean payouts: nominal or pv");
  }
  const unsigned threads =
      job.threads > 0 ? job.threads : std::max(1u, std::thread::hardware_concurrency());
  RunOutcome out;
  RunMeta& meta = out.meta;
  meta.scenario_file = s.file;
  meta.scenario_sha256 = s.content_sha256;
  meta.overrides = job.overrides;
  meta.seed = job.seed;
  meta.threads = threads;
  meta.include_accumulators = job.accumulators || !job.shard.empty();
  const auto start = std::chrono::steady_clock::now();
  RunRequest req{job.seed, 0, 0, threads, job.progress, job.cancel};
  req.groups = job.groups;
  const auto run = [&](const RunRequest& r) { return job.runner ? job.runner(r) : mc.run(r); };
  if (job.precision > 0) {
    // Batches of doubling size until every mean is known to the requested precision.
    std::uint64_t next = std::min<std::uint64_t>(job.paths, 10000);
    std::uint64_t ran = 0;
    while (true) {
      req.first_path = ran;
      req.paths = next - ran;
      RunStats batch = run(req);
      if (ran == 0) {
        out.stats = std::move(batch);
      } else {
        out.stats.merge(batch);
      }
      ran = next;
      if (cancelled(job)) break;
      bool stop = precise_enough(out.stats, job.precision) || ran >= job.paths;
      if (job.agree) stop = job.agree(stop);
      if (stop) break;
      next = std::min(job.paths, 2 * ran);
    }
    meta.precision_note = (precise_enough(out.stats, job.precision) ? "precision reached: "
                                                                    : "precision NOT reached: ") +
                          std::to_string(ran) + " paths for standard errors below " +
                          percent_text(job.precision) + " of every holder's mean " +
                          (precision_group(job.groups) == MetricGroup::nominal ? "" : "PV ") +
                          "(cap --paths " + std::to_string(job.paths) + ")";
    meta.paths = ran;
  } else {
    const auto [begin, end] = shard_range(job);
    req.first_path = begin;
    req.paths = end - begin;
    out.stats = run(req);
    meta.paths = end - begin;
    meta.first_path = begin;
    if (!job.shard.empty()) {
      meta.shard = job.shard;
      meta.total_paths = job.paths;
    }
  }
  out.cancelled = cancelled(job);
  // The threads that ran, when some could not be started (a thread or memory limit).
  if (out.stats.threads_ran > 0) meta.threads = std::min(threads, out.stats.threads_ran);
  meta.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace capflow
