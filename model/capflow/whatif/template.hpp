#pragma once
// Templates with numbers from result files (capflow render): any text with placeholders
//   {{ POINTER }}  {{ POINTER | FILTER }}  {{ NAME:POINTER | FILTER }}
// where POINTER is a JSON pointer into a result file (RFC 6901, plus `[key=value]`
// tokens that pick the first array element whose member `key` equals `value`), NAME
// picks a named source (none: the default one), and FILTER formats the value
// (docs/reports.md lists them). `\{{` is a literal `{{`.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "capflow/io/diagnostic.hpp"
#include "capflow/io/result.hpp"

namespace capflow {

struct TemplateSources {
  const nlohmann::ordered_json* unnamed = nullptr;  // the default source, if any
  std::map<std::string, const nlohmann::ordered_json*> named;
};

// Formats one value with a filter ("" = raw). Returns the text or what is wrong
// ("unknown filter ..." / "is a string, not a number" ...).
Result<std::string> apply_filter(const nlohmann::ordered_json& value, const std::string& filter);

// Resolves a pointer (with [key=value] tokens) in doc; the error names the first token
// that does not resolve and what was there instead.
Result<const nlohmann::ordered_json*> resolve_pointer(const nlohmann::ordered_json& doc,
                                                      const std::string& pointer);

struct RenderOutcome {
  std::string text;         // meaningful only if diagnostics is empty
  Diagnostics diagnostics;  // every bad placeholder, located at file:line:col
  std::size_t placeholders = 0;
};

RenderOutcome render_template(const std::string& text, const std::string& file,
                              const TemplateSources& sources);

}  // namespace capflow
