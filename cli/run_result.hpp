#pragma once
// Rendering Monte Carlo results (capflow run, capflow merge): the result file of SPEC §3
// and its table, csv and Markdown views.

#include <cstdint>
#include <string>

#include "capflow/monte_carlo.hpp"
#include "capflow/scenario.hpp"
#include "output.hpp"

namespace capflow::cli {

inline constexpr const char* kResultSchema = "capflow/result/v1";

struct RunMeta {
  std::string scenario_file;
  std::string scenario_sha256;
  std::uint64_t seed = 0;
  std::uint64_t paths = 0;        // paths in this result
  std::uint64_t first_path = 0;   // first path index (shards)
  std::uint64_t total_paths = 0;  // paths of the whole run when this is a shard
  std::string shard;              // "k/n" or empty
  unsigned threads = 0;
  double wall_seconds = 0;
  bool include_accumulators = false;
  std::string precision_note;
};

std::string render_run(const Scenario& s, const RunMeta& meta, const RunStats& stats,
                       Format format);

}  // namespace capflow::cli
