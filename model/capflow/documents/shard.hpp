#pragma once
// Layer documents/ — one shard of a run read back from its saved result (capflow run
// --shard K/N or --accumulators) for `capflow merge`. A saved result is data from outside:
// every value is checked before it is used, and a fault is thrown as AccumulatorError
// (montecarlo/statistics.hpp) with its JSON pointer, which the caller turns into
// FILE:LINE:COL. Checks across shards (overlaps, gaps, one seed) are the caller's: they
// need every shard.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "capflow/montecarlo/monte_carlo.hpp"
#include "capflow/terms/scenario.hpp"

namespace capflow {

// What a shard says of the run it belongs to.
struct ShardHeader {
  std::string scenario_file;  // as recorded (merge --scenario may point elsewhere)
  std::string scenario_sha256;
  std::vector<std::string> overrides;  // the --set list the shard ran with
  std::uint64_t seed = 0;
  std::uint64_t first_path = 0;
  std::uint64_t paths = 0;
  std::uint64_t total_paths = 0;  // of the whole run; 0: not recorded
  unsigned threads = 0;
};

// meta read as a shard's: schema capflow/result/v1, made by this capflow version (the
// accumulators' layout is its own), accumulators present, whole numbers in range, paths
// inside the run.
ShardHeader read_shard_header(const nlohmann::json& doc);

// The shard's accumulators, checked against its header (the paths counted) and the
// scenario it ran on (holders, conversion outcomes).
RunStats read_shard_stats(const nlohmann::json& doc, const ShardHeader& header,
                          const Scenario& scenario);

}  // namespace capflow
