#pragma once
// What the command line does before CLI11 parses it: `capflow help [CMD]`, "did you
// mean" for a misspelled command or option, and `capflow completion bash|zsh|fish`.

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

namespace capflow::cli {

// The arguments with `help` and `help CMD` turned into `--help` and `CMD --help`.
std::vector<std::string> rewrite_help(std::vector<std::string> args);

// A message for an unknown command or an option the command does not have, with the
// closest known name ("did you mean ..."); nullopt when the arguments name only known
// ones (CLI11 then reports anything else).
std::optional<std::string> misspelling(const CLI::App& app, const std::vector<std::string>& args);

// The completion script for shell ("bash", "zsh" or "fish"), from the commands and
// options app knows; nullopt for another shell.
std::optional<std::string> completion_script(const CLI::App& app, const std::string& shell);

}  // namespace capflow::cli
