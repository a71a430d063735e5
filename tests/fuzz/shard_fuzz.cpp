// libFuzzer target for shard results (capflow merge): any bytes read as a saved run result
// give either checked statistics or an AccumulatorError naming its place; the statistics
// then merge and render as a result document without a crash, a hang, or a sanitizer
// report. The scenario is the 2024-round preset (conversion outcomes, so by_outcome is
// exercised); its holders and outcomes are what the shard is checked against.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "capflow/documents/run_document.hpp"
#include "capflow/documents/shard.hpp"
#include "capflow/io/input_file.hpp"
#include "capflow/terms/scenario.hpp"
#include "capflow/version.hpp"
#include "fuzz_require.hpp"

namespace {

using capflow::fuzz::require;

const capflow::Scenario& scenario() {
  static const capflow::Scenario s = [] {
    auto r = capflow::load_scenario(CAPFLOW_SOURCE_DIR "/scenarios/openai-2024-round.json");
    require(r.scenario.has_value());
    return std::move(*r.scenario);
  }();
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // What merge's reader refuses before parsing (capflow/io/input_file.hpp).
  if (capflow::check_text(text) || capflow::json_nests_deeper_than(text, capflow::kMaxOutputDepth))
    return 0;
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return 0;
  // The seeds were saved by some capflow version; read them as this one's, or every seed
  // would stop at /meta/version after the next release.
  if (doc.is_object() && doc.contains("meta") && doc["meta"].is_object() &&
      doc["meta"].contains("version") && doc["meta"]["version"].is_string()) {
    doc["meta"]["version"] = capflow::kVersion;
  }
  try {
    const capflow::ShardHeader h = capflow::read_shard_header(doc);
    require(h.first_path + h.paths <= capflow::kMaxCount);
    capflow::RunStats part = capflow::read_shard_stats(doc, h, scenario());
    require(part.paths == h.paths);
    require(part.holders.size() == scenario().waterfall.holders.size());
    // Two shards of the same content: counts stay below 2^54, sums exact.
    capflow::RunStats total = part;
    total.merge(part);
    require(total.paths == 2 * part.paths);
    capflow::RunMeta meta;
    meta.paths = total.paths;
    meta.seed = h.seed;
    meta.include_accumulators = true;
    const auto rendered = capflow::run_document(scenario(), meta, total);
    // The accumulators written read back as the same statistics.
    const nlohmann::json again = nlohmann::json::parse(rendered.dump());
    const capflow::RunStats back =
        capflow::RunStats::from_json(again.at("accumulators"), total.holders.size());
    require(back.to_json() == total.to_json());
  } catch (const capflow::AccumulatorError& e) {
    require(e.pointer().empty() || e.pointer().front() == '/');
    require(!e.problem().empty());
  }
  return 0;
}
