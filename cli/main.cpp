// The capflow binary: parses the command line, runs one subcommand, and is the only
// place where exceptions become exit codes.

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstring>
#include <exception>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "capflow/version.hpp"
#include "cli_habits.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "job.hpp"
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

using namespace capflow::cli;

// --mpi, anywhere on the command line: read before the commands parse, since MPI must
// be initialised first (and may itself take arguments out of argv).
bool take_mpi_flag(int& argc, char** argv) {
  bool found = false;
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--mpi") == 0) {
      found = true;
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
  argv[argc] = nullptr;
  return found;
}

// An internal error under MPI: the other ranks may wait for this one, so the job ends
// here. A rank other than 0 waits a moment first: when every rank fails alike, rank 0
// ends the job and the message is printed once.
[[noreturn]] void fail_job(std::streambuf* real_stderr, const std::string& message, int code) {
  if (!job::is_root()) std::this_thread::sleep_for(std::chrono::seconds(1));
  std::cerr.rdbuf(real_stderr);
  std::cerr << message << std::flush;
  job::abort(code);
}

int run_app(int argc, char** argv, std::streambuf* real_stderr) {
  CLI::App app{"capflow: exact and Monte Carlo calculator for capped-profit structures"};
  app.set_version_flag("--version", std::string("capflow ") + capflow::kVersion);
  app.require_subcommand(1);
  app.footer(
      "capflow help CMD shows a command's flags; capflow completion bash|zsh|fish prints a\n"
      "completion script.\n"
      "Exit codes: 0 ok, 1 differences found (diff), 2 bad input, 3 internal error.\n"
      "Under mpirun or srun (or with --mpi) run, diff, sweep, tornado and report spread their\n"
      "work over the ranks, with the same result (docs/scale-out.md).\n"
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
  std::string failure;
  int failure_code = kExitInternal;
  try {
    for (const auto& c : commands) {
      if (!c.app->parsed()) continue;
      // A command that does not spread its work runs on rank 0 alone.
      if (!c.spreads_over_ranks && !job::is_root()) return kExitOk;
      add_input_files(input_candidates(*c.app));
      return c.run();
    }
    return kExitInternal;
  } catch (const std::bad_alloc&) {
    // A memory limit (ulimit -v, a container's) met by the --paths or --threads asked
    // for: a limit of the user's, not a bug (docs/reliability.md).
    failure =
        "capflow: out of memory: the run needs more memory than this process may "
        "use; lower --threads (or --paths) or raise the limit\n";
    failure_code = kExitBadInput;
  } catch (const std::exception& e) {
    failure = std::string("capflow: internal error: ") + e.what() +
              "\nThis is a bug in capflow; please report it with the command line.\n";
  }
  if (job::size() > 1) fail_job(real_stderr, failure, failure_code);
  std::cerr << failure;
  return failure_code;
}

}  // namespace

int main(int argc, char** argv) {
  const bool mpi_requested = take_mpi_flag(argc, argv);
  if (auto err = job::start(argc, argv, mpi_requested)) {
    std::cerr << "capflow: " << *err << "\n";
    return kExitBadInput;
  }
  // Every rank parses and checks the same input; only rank 0 prints, so that each
  // message appears once (job::finish prints a message only another rank had).
  std::streambuf* real_stdout = std::cout.rdbuf();
  std::streambuf* real_stderr = std::cerr.rdbuf();
  std::ostringstream quiet_out, quiet_err;
  if (!job::is_root()) {
    std::cout.rdbuf(quiet_out.rdbuf());
    std::cerr.rdbuf(quiet_err.rdbuf());
  }
  const int code = run_app(argc, argv, real_stderr);
  std::cout.rdbuf(real_stdout);
  std::cerr.rdbuf(real_stderr);
  return job::finish(code, quiet_err.str());
}
