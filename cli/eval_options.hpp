#pragma once
// The flags sweep, tornado and report share: the evaluation settings, parsed into the
// library's EvalSettings (--vary is parsed by the library's parse_varies)
// (model/capflow/whatif/explore.hpp).

#include <CLI/CLI.hpp>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "capflow/whatif/explore.hpp"

namespace capflow::cli {

// The flags behind EvalSettings, as the user gave them.
struct EvalOptions {
  bool deterministic = false;
  std::string profit;
  std::uint64_t paths = 10000;
  std::uint64_t seed = 42;
  unsigned threads = 0;  // 0: all cores
};
// Adds --deterministic, --profit, --paths, --seed and --threads.
void add_eval_options(CLI::App& app, EvalOptions& options);
// Checks the flags; on a problem prints it (prefixed with "capflow COMMAND: ") and
// returns nullopt.
std::optional<EvalSettings> eval_settings(const EvalOptions& options, const std::string& command,
                                          std::ostream& err);
}  // namespace capflow::cli
