#include "rank_stats.hpp"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "job.hpp"

namespace capflow::cli {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// CPU time of this process (all its threads), in seconds.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  const auto s = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
  };
  return s(u.ru_utime) + s(u.ru_stime);
}

}  // namespace

std::pair<std::uint64_t, std::uint64_t> rank_range(std::uint64_t begin, std::uint64_t end) {
  const auto n = static_cast<std::uint64_t>(job::size());
  const auto r = static_cast<std::uint64_t>(job::rank());
  return {begin + (end - begin) * r / n, begin + (end - begin) * (r + 1) / n};
}

RunStats run_on_ranks(const MonteCarlo& mc, const RunRequest& whole) {
  RunRequest req = whole;
  const auto [b, e] = rank_range(whole.first_path, whole.first_path + whole.paths);
  req.first_path = b;
  req.paths = e - b;
  const auto t0 = Clock::now();
  const double cpu0 = cpu_seconds();
  RunStats mine = mc.run(req);
  const double sim_ms = ms_since(t0), sim_cpu = cpu_seconds() - cpu0;
  job::test_fault("run");
  const bool timing = std::getenv("CAPFLOW_MPI_TIMING") != nullptr;
  if (job::size() == 1 && !timing) return mine;
  // The exact accumulators travel as CBOR: the shard format of capflow merge, in binary.
  const auto t1 = Clock::now();
  const auto bytes = nlohmann::json::to_cbor(mine.to_json());
  const double encode_ms = ms_since(t1);
  const auto t2 = Clock::now();
  const auto parts = job::gather(std::string(bytes.begin(), bytes.end()));
  const double gather_ms = ms_since(t2);
  const auto t3 = Clock::now();
  for (std::size_t r = 1; r < parts.size(); ++r) {
    mine.merge(RunStats::from_json(nlohmann::json::from_cbor(parts[r]), mc.holders()));
  }
  const double merge_ms = ms_since(t3);
  if (timing) {
    char line[256];
    std::snprintf(line, sizeof line,
                  "capflow run: rank %d: %llu paths, simulation %.3f s wall, %.3f s CPU; "
                  "accumulators %zu bytes, encoded in %.2f ms\n",
                  job::rank(), static_cast<unsigned long long>(req.paths), sim_ms / 1000, sim_cpu,
                  bytes.size(), encode_ms);
    const auto lines = job::gather(line);
    for (const auto& l : lines) std::cerr << l;
    if (job::is_root()) {
      std::snprintf(line, sizeof line,
                    "capflow run: rank 0: gather %.2f ms (waits for the slowest rank), decode "
                    "and merge of %zu ranks %.2f ms\n",
                    gather_ms, parts.size() - 1, merge_ms);
      std::cerr << line;
    }
  }
  return mine;
}

RunStats run_on_ranks_everywhere(const MonteCarlo& mc, const RunRequest& whole) {
  RunStats st = run_on_ranks(mc, whole);
  if (job::size() == 1) return st;
  std::string bytes;
  if (job::is_root()) {
    const auto cbor = nlohmann::json::to_cbor(st.to_json());
    bytes.assign(cbor.begin(), cbor.end());
  }
  bytes = job::broadcast(bytes);
  if (job::is_root()) return st;
  return RunStats::from_json(nlohmann::json::from_cbor(bytes), mc.holders());
}

}  // namespace capflow::cli
