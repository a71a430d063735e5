#pragma once
// The --set flag of every command that loads a scenario; loading itself is the
// library's (model/capflow/terms/scenario_input.hpp).

#include <CLI/CLI.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "capflow/terms/scenario.hpp"
#include "capflow/terms/scenario_input.hpp"

namespace capflow::cli {

// Adds --set PATH=VALUE (repeatable) to a command.
void add_set_option(CLI::App& app, std::vector<std::string>& sets);

// load_or_report to stderr; the files the scenario was read from (its extends chain)
// join the command's inputs, which -o refuses to replace (output.hpp).
std::optional<Scenario> load_command_scenario(const std::string& path,
                                              const std::vector<std::string>& sets);

}  // namespace capflow::cli
