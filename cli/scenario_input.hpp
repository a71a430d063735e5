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

}  // namespace capflow::cli
