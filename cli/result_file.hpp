#pragma once
// Reading a saved capflow output (JSON) for diff and render.

#include <nlohmann/json.hpp>
#include <string>

#include "capflow/io/result.hpp"

namespace capflow::cli {

// The parsed document, or the whole message: "PATH: cannot read it: why" or
// "PATH:LINE:COL: not valid JSON: why".
Result<nlohmann::ordered_json> read_json_file(const std::string& path);

}  // namespace capflow::cli
