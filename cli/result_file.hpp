#pragma once
// Reading a saved capflow output (JSON) for diff, render and merge, and the template of
// render: every file through the library's bounded reader (capflow/io/input_file.hpp).

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "capflow/io/input_file.hpp"
#include "capflow/io/result.hpp"

namespace capflow::cli {

// The text of an input file, or the whole message: "PATH: cannot read it: why" or
// "PATH:LINE:COL: why" (a NUL byte, invalid UTF-8).
Result<std::string> read_text_file(const std::string& path, InputKind kind,
                                   bool allow_stdin = false);

// A message if the JSON text nests deeper than capflow's outputs ever do (64 levels):
// the recursive algorithms on a document (copy, dump, diff) must not run out of stack.
std::optional<std::string> check_nesting(const std::string& path, const std::string& text);

// "PATH:LINE:COL: not valid JSON: why" for a parse error of text read from path.
std::string json_error_message(const std::string& path, const std::string& text,
                               const nlohmann::json::parse_error& e);

// "PATH:LINE:COL: POINTER: problem": the place of pointer in text (a JSON document read
// from path), as precisely as it resolves (the deepest existing value on its way).
std::string located_message(const std::string& path, const std::string& text,
                            const std::string& pointer, const std::string& problem);

// The parsed document (nesting checked), or the whole message: "PATH: cannot read it:
// why", "PATH: not a capflow output: nested deeper than 64 levels" or "PATH:LINE:COL: not
// valid JSON: why".
Result<nlohmann::ordered_json> read_json_file(const std::string& path);

}  // namespace capflow::cli
