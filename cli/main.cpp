// The capflow binary: parses the command line, runs one subcommand, and is the only
// place where exceptions become exit codes.

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "capflow/version.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"

namespace {

// Every option value of the command (but -o's) that may name a file it reads, and the
// FILE of NAME=FILE values: -o must never replace one of them (cli/output.hpp).
std::vector<std::string> input_candidates(const CLI::App& app) {
  std::vector<std::string> out;
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->check_lname("output")) continue;
    for (const auto& v : opt->results()) {
      out.push_back(v);
      if (const auto eq = v.find('='); eq != std::string::npos) out.push_back(v.substr(eq + 1));
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace capflow::cli;
  CLI::App app{"capflow: exact and Monte Carlo calculator for capped-profit structures"};
  app.set_version_flag("--version", std::string("capflow ") + capflow::kVersion);
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 ok, 1 differences found (diff), 2 bad input, 3 internal error.\n"
      "Docs: docs/cli.md, docs/scenario-format.md, docs/waterfall.md");
  std::vector<Command> commands{setup_waterfall(app), setup_project(app), setup_run(app),
                                setup_merge(app), setup_validate(app)};
  commands.push_back(setup_diff(app));
  commands.push_back(setup_render(app));
  commands.push_back(setup_sweep(app));
  commands.push_back(setup_tornado(app));
  commands.push_back(setup_report(app));
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitBadInput;
  }
  try {
    for (const auto& c : commands) {
      if (c.app->parsed()) {
        set_input_files(input_candidates(*c.app));
        return c.run();
      }
    }
  } catch (const std::bad_alloc&) {
    // A memory limit (ulimit -v, a container's) met by the --paths or --threads asked
    // for: a limit of the user's, not a bug (docs/reliability.md).
    std::cerr << "capflow: out of memory: the run needs more memory than this process may "
                 "use; lower --threads (or --paths) or raise the limit\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "capflow: internal error: " << e.what()
              << "\nThis is a bug in capflow; please report it with the command line.\n";
    return kExitInternal;
  }
  return kExitInternal;
}
