// The capflow binary: parses the command line, runs one subcommand, and is the only
// place where exceptions become exit codes.

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "capflow/version.hpp"
#include "cli_habits.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"

int main(int argc, char** argv) {
  using namespace capflow::cli;
  CLI::App app{"capflow: exact and Monte Carlo calculator for capped-profit structures"};
  app.set_version_flag("--version", std::string("capflow ") + capflow::kVersion);
  app.require_subcommand(1);
  app.footer(
      "capflow help CMD shows a command's flags; capflow completion bash|zsh|fish prints a\n"
      "completion script.\n"
      "Exit codes: 0 ok, 1 differences found (diff), 2 bad input, 3 internal error.\n"
      "Docs: docs/cli.md, docs/scenario-format.md, docs/waterfall.md");
  std::vector<Command> commands{setup_waterfall(app), setup_project(app), setup_run(app),
                                setup_merge(app), setup_validate(app)};
  commands.push_back(setup_diff(app));
  commands.push_back(setup_render(app));
  commands.push_back(setup_sweep(app));
  commands.push_back(setup_tornado(app));
  commands.push_back(setup_report(app));
  std::vector<std::string> args = rewrite_help(std::vector<std::string>(argv, argv + argc));
  if (args.size() >= 2 && args[1] == "completion") {
    const std::string shell = args.size() >= 3 ? args[2] : "";
    if (auto script = completion_script(app, shell)) {
      std::cout << *script;
      return kExitOk;
    }
    std::cerr << "capflow completion: give the shell: bash, zsh or fish\n";
    return kExitBadInput;
  }
  if (auto message = misspelling(app, args)) {
    std::cerr << *message << "\n";
    return kExitBadInput;
  }
  try {
    // The usage line names the command as people type it, wherever the binary is.
    app.name("capflow");
    // CLI11 takes the arguments last to first.
    std::vector<std::string> reversed(args.rbegin(), args.rend() - 1);
    app.parse(reversed);
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
      if (c.app->parsed()) return c.run();
    }
  } catch (const std::bad_alloc&) {
    std::cerr << "capflow: out of memory\n";
    return kExitInternal;
  } catch (const std::exception& e) {
    std::cerr << "capflow: internal error: " << e.what()
              << "\nThis is a bug in capflow; please report it with the command line.\n";
    return kExitInternal;
  }
  return kExitInternal;
}
