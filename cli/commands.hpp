#pragma once
// One setup function per subcommand; each registers its flags and returns how to run it.

#include <CLI/CLI.hpp>
#include <functional>

namespace capflow::cli {

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;  // returns the process exit code
  // Whether run() shares its work among the ranks of an MPI job (job.hpp); the other
  // commands run on rank 0 alone.
  bool spreads_over_ranks = false;
};

Command setup_waterfall(CLI::App& parent);
Command setup_validate(CLI::App& parent);
Command setup_project(CLI::App& parent);
Command setup_run(CLI::App& parent);
Command setup_merge(CLI::App& parent);
Command setup_diff(CLI::App& parent);
Command setup_render(CLI::App& parent);
Command setup_sweep(CLI::App& parent);
Command setup_tornado(CLI::App& parent);
Command setup_report(CLI::App& parent);

}  // namespace capflow::cli
