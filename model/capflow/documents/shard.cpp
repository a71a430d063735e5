#include "capflow/documents/shard.hpp"

#include "capflow/documents/run_document.hpp"
#include "capflow/version.hpp"

namespace capflow {
namespace {

// meta.threads is informational; a larger value was not written by capflow.
constexpr std::uint64_t kMaxThreads = 65536;

const nlohmann::json& meta_of(const nlohmann::json& doc) {
  if (!doc.is_object() || !doc.contains("meta") || !doc.at("meta").is_object())
    throw AccumulatorError("/meta", "not a capflow run result (no \"meta\" object)");
  return doc.at("meta");
}

std::string string_at(const nlohmann::json& m, const char* key) {
  if (!m.contains(key) || !m.at(key).is_string())
    throw AccumulatorError(std::string("/meta/") + key, "expected a string");
  return m.at(key).get<std::string>();
}

std::uint64_t count_at(const nlohmann::json& m, const char* key) {
  if (!m.contains(key)) throw AccumulatorError(std::string("/meta/") + key, "missing");
  return read_count(m.at(key), std::string("/meta/") + key);
}

}  // namespace

ShardHeader read_shard_header(const nlohmann::json& doc) {
  const nlohmann::json& m = meta_of(doc);
  if (string_at(m, "schema") != kResultSchema)
    throw AccumulatorError("/meta/schema", "not a capflow run result");
  if (const std::string v = string_at(m, "version"); v != kVersion) {
    throw AccumulatorError("/meta/version", "made by capflow " + v + ", this is capflow " +
                                                kVersion + "; merge with the same version");
  }
  if (!doc.contains("accumulators")) {
    throw AccumulatorError(
        "", "no \"accumulators\": run with --shard or --accumulators to make mergeable results");
  }
  ShardHeader h;
  h.scenario_file = string_at(m, "scenario");
  h.scenario_sha256 = string_at(m, "scenario_sha256");
  if (!m.contains("seed") || !m.at("seed").is_number_unsigned())
    throw AccumulatorError("/meta/seed", "expected a whole number from 0 to 2^64 - 1");
  h.seed = m.at("seed").get<std::uint64_t>();
  // Results saved before the --set list was recorded have none.
  if (m.contains("overrides")) {
    const auto& list = m.at("overrides");
    if (!list.is_array()) throw AccumulatorError("/meta/overrides", "expected a list of strings");
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_string()) {
        throw AccumulatorError("/meta/overrides/" + std::to_string(i), "expected a string");
      }
      h.overrides.push_back(list[i].get<std::string>());
    }
  }
  h.total_paths = m.contains("total_paths") ? count_at(m, "total_paths") : 0;
  h.first_path = count_at(m, "first_path");
  h.paths = count_at(m, "paths");
  // Both at most 2^53: the sum cannot wrap.
  if (h.first_path + h.paths > kMaxCount)
    throw AccumulatorError("/meta/paths", "paths beyond 2^53");
  if (h.total_paths != 0 && h.first_path + h.paths > h.total_paths) {
    throw AccumulatorError("/meta/paths", "paths " + std::to_string(h.first_path) + "-" +
                                              std::to_string(h.first_path + h.paths - 1) +
                                              " lie outside the run of " +
                                              std::to_string(h.total_paths));
  }
  const std::uint64_t threads = count_at(m, "threads");
  if (threads > kMaxThreads) throw AccumulatorError("/meta/threads", "more than 65536 threads");
  h.threads = static_cast<unsigned>(threads);
  return h;
}

RunStats read_shard_stats(const nlohmann::json& doc, const ShardHeader& header,
                          const Scenario& scenario) {
  // Its errors name their place under /accumulators.
  RunStats part = RunStats::from_json(doc.at("accumulators"), scenario.waterfall.holders.size());
  if (part.paths != header.paths) {
    throw AccumulatorError("/accumulators/paths", "counts " + std::to_string(part.paths) +
                                                      " paths, /meta/paths " +
                                                      std::to_string(header.paths));
  }
  // Mean payouts by conversion outcome: none, or "not converted" and one per outcome of
  // the scenario (the document names each by its outcome).
  const std::size_t outcomes = scenario.projection && scenario.projection->conversion
                                   ? scenario.projection->conversion->outcomes.size()
                                   : 0;
  for (std::size_t h = 0; h < part.holders.size(); ++h) {
    const std::size_t n = part.holders[h].by_outcome.size();
    if (n != 0 && n != outcomes + 1) {
      throw AccumulatorError("/accumulators/holders/" + std::to_string(h) + "/by_outcome",
                             std::to_string(n) + " entries, the scenario's conversion has " +
                                 std::to_string(outcomes) + " outcomes (expected " +
                                 std::to_string(outcomes + 1) + " or none)");
    }
  }
  return part;
}

}  // namespace capflow
