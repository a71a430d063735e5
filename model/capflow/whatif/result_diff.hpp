#pragma once
// Two saved outputs of capflow commands compared key by key (capflow diff A.json
// B.json): what kind of output a JSON document is, and every leaf that differs.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "capflow/whatif/comparison.hpp"

namespace capflow {

enum class OutputKind { scenario, waterfall, project, run, unknown };

// scenario: "schema" is capflow/scenario/v1; run: meta.schema is capflow/result/v1;
// waterfall: "allocations", "breakpoints" or "solve"; project: "years" and "holders".
OutputKind output_kind(const nlohmann::ordered_json& doc);
const char* output_kind_name(OutputKind kind);

// Every leaf of either document, paired by JSON pointer (objects by key, arrays by
// index). Numbers, and strings that are plain decimal numbers ("92000000000.00"), compare
// as exact numbers; other values as their JSON text. Leaves under /meta and /scenario
// (file names, version, threads, timing) are informational; /accumulators (the exact
// internals of a shard) is skipped.
std::vector<Comparison> diff_outputs(const nlohmann::ordered_json& a,
                                     const nlohmann::ordered_json& b);

}  // namespace capflow
