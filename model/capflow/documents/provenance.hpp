#pragma once
// The "meta" block every capflow JSON output starts with (SPEC §6): which kind of output
// it is, which capflow wrote it, from which scenario (its file and the SHA-256 of the
// resolved document) and with which --set overrides. Commands add seed and paths where
// they apply.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "capflow/terms/scenario.hpp"

namespace capflow {

inline constexpr const char* kWaterfallSchema = "capflow/waterfall/v1";
inline constexpr const char* kProjectionSchema = "capflow/projection/v1";
inline constexpr const char* kSweepSchema = "capflow/sweep/v1";
inline constexpr const char* kTornadoSchema = "capflow/tornado/v1";
inline constexpr const char* kDiffSchema = "capflow/diff/v1";

// {schema, version, scenario, scenario_sha256, overrides}, in that order.
nlohmann::ordered_json provenance(const std::string& schema, const std::string& scenario_file,
                                  const std::string& scenario_sha256,
                                  const std::vector<std::string>& overrides);

// The same for a loaded scenario (its file as the user named it, its resolved SHA-256).
nlohmann::ordered_json provenance(const std::string& schema, const Scenario& s,
                                  const std::vector<std::string>& overrides);

}  // namespace capflow
