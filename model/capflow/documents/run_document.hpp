#pragma once
// Layer documents/ — the JSON documents results become (run, projection): one shape for the
// CLI, Python and MPI. Uses the engines and below; never whatif/.
// (docs/architecture.md; scripts/check-layers enforces it.)
//
// The result document of a Monte Carlo run (SPEC §3): what `capflow run --format json`
// writes, what `merge` and `diff` read back, and what every other front end returns.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "capflow/montecarlo/monte_carlo.hpp"
#include "capflow/terms/scenario.hpp"

namespace capflow {

inline constexpr const char* kResultSchema = "capflow/result/v1";

// What a run was, beside its statistics: enough to reproduce it.
struct RunMeta {
  std::string scenario_file;
  std::string scenario_sha256;
  std::uint64_t seed = 0;
  std::uint64_t paths = 0;        // paths in this result
  std::uint64_t first_path = 0;   // first path index (shards)
  std::uint64_t total_paths = 0;  // paths of the whole run when this is a shard
  std::string shard;              // "k/n" or empty
  unsigned threads = 0;           // per process
  unsigned ranks = 0;             // processes of an MPI job; 0: not one (no key)
  double wall_seconds = 0;
  bool include_accumulators = false;
  std::string precision_note;
};

// The percentiles every distribution reports, in percent.
inline constexpr double kReportedPercentiles[] = {1, 5, 10, 25, 50, 75, 90, 95, 99};

// The document: meta, holders, company (when computed), and the exact accumulators when
// meta.include_accumulators (shards, for merge).
nlohmann::ordered_json run_document(const Scenario& s, const RunMeta& meta, const RunStats& stats);

}  // namespace capflow
