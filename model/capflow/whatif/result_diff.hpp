#pragma once
// Two saved outputs of capflow commands compared key by key (capflow diff A.json
// B.json): what kind of output a JSON document is, and every leaf that differs.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "capflow/whatif/comparison.hpp"

namespace capflow {

enum class OutputKind { scenario, waterfall, project, run, sweep, tornado, diff, json };

// scenario: "schema" names a capflow scenario (capflow/scenario/...: a version the loader
// does not know is still a scenario, and the loader says so); an output: meta.schema
// (capflow/result/v1, capflow/waterfall/v1, ...; docs/cli.md "Provenance"); outputs saved
// before meta: "allocations", "breakpoints" or "solve" (waterfall), "years" and
// "holders" (project), a top-level "schema" of a sweep or tornado. Anything else is plain
// JSON, compared key by key like any output.
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
