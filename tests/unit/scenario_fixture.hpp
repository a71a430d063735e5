#pragma once
// Loading scenarios in unit tests: every diagnostic in the failure message, and a
// REQUIRE that the scenario loaded.

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "capflow/terms/scenario.hpp"

namespace capflow::testing {

inline std::string problems_of(const LoadResult& loaded) {
  std::string out;
  for (const auto& d : loaded.diagnostics) out += to_string(d) + "\n";
  return out;
}

// Loads `path` with `overrides`; fails the test with every problem if it does not load.
inline Scenario load_ok(const std::string& path, const std::vector<Override>& overrides = {}) {
  auto loaded = load_scenario(path, overrides);
  INFO(path << ":\n" << problems_of(loaded));
  REQUIRE(loaded.scenario.has_value());
  return std::move(*loaded.scenario);
}

// A preset of scenarios/ by file name.
inline Scenario load_preset_ok(const std::string& name,
                               const std::vector<Override>& overrides = {}) {
  return load_ok(std::string(CAPFLOW_SOURCE_DIR) + "/scenarios/" + name, overrides);
}

}  // namespace capflow::testing
