#pragma once
// Loading a scenario for a command: --set handling and error reporting in one place.

#include <CLI/CLI.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "capflow/scenario.hpp"

namespace capflow::cli {

// Adds --set PATH=VALUE (repeatable) to a command.
void add_set_option(CLI::App& app, std::vector<std::string>& sets);

// Loads path with the --set overrides; on any problem prints every diagnostic to err
// and returns nullopt (the caller exits with kExitBadInput).
std::optional<Scenario> load_or_report(const std::string& path,
                                       const std::vector<std::string>& sets, std::ostream& err);

}  // namespace capflow::cli
