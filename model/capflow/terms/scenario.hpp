#pragma once
// Layer terms/ — what a scenario says: holders and the waterfall, the projection (years,
// rounds, conversion), uncertainty and events, validated from the document, and the
// loader that resolves `extends` and --set. Uses io/ only.
// (docs/architecture.md; scripts/check-layers enforces it.)
//
// A scenario file, loaded and validated: the one entry point from files to the engines.

#include <optional>
#include <string>
#include <vector>

#include "capflow/io/diagnostic.hpp"
#include "capflow/io/json_document.hpp"
#include "capflow/terms/projection_spec.hpp"
#include "capflow/terms/uncertainty_spec.hpp"
#include "capflow/terms/waterfall_spec.hpp"

namespace capflow {

inline constexpr const char* kScenarioSchema = "capflow/scenario/v1";

// One --set PATH=VALUE. PATH is a JSON pointer ("/holders/microsoft/cap") or a dotted
// path ("holders.microsoft.cap"); VALUE is JSON if it parses as JSON, else a string.
struct Override {
  std::string path;
  std::string value;
};

struct Scenario {
  std::string file;  // as the user named it
  std::string title;
  std::string description;
  JsonNode document;  // after extends and overrides: what the engines read
  WaterfallSpec waterfall;
  std::optional<ProjectionSpec> projection;    // with its rounds and conversion, when given
  std::optional<UncertaintySpec> uncertainty;  // needs a projection
  std::string content_sha256;                  // of the resolved document (after extends and --set)
  // Every file read: this one and the files it extends, outermost first (none for a
  // scenario from memory). A front end must not write over any of them.
  std::vector<std::string> files;
};

struct LoadResult {
  std::optional<Scenario> scenario;  // set iff diagnostics is empty
  Diagnostics diagnostics;           // every problem found, in file order
  std::vector<std::string> files;    // every file read, as Scenario::files (also on failure)
};

// The tokens of a --set path: a JSON pointer (RFC 6901, with ~0 and ~1) or a dotted
// path such as holders.microsoft.cap.
std::vector<std::string> split_path(const std::string& path);

// Reads a scenario file, resolves "extends" (RFC 7396 merge patch, paths relative to
// the extending file, cycles rejected), applies overrides, and validates everything.
LoadResult load_scenario(const std::string& path, const std::vector<Override>& overrides = {});

// The same for a scenario held in memory (a notebook's string): name stands for the file
// in diagnostics and in the result, and an "extends" is relative to name's folder.
LoadResult load_scenario_text(const std::string& text, const std::string& name,
                              const std::vector<Override>& overrides = {});

// Parses "PATH=VALUE" into an Override; nullopt if there is no '=' or PATH is empty.
std::optional<Override> parse_override(const std::string& text);

}  // namespace capflow
