#pragma once
// Loading a scenario with --set overrides given as text, every problem written to a
// stream: what every front end does before it runs an engine.

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "capflow/terms/scenario.hpp"

namespace capflow {

// Loads path with the overrides ("PATH=VALUE" each); on any problem writes every
// diagnostic to err, one per line, and returns nullopt (a front end's "bad input").
std::optional<Scenario> load_or_report(const std::string& path,
                                       const std::vector<std::string>& sets, std::ostream& err);

}  // namespace capflow
