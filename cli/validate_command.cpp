// capflow validate FILE...
// Checks scenario files and reports every problem in each, not just the first.

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "capflow/terms/scenario.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"

namespace capflow::cli {
namespace {

struct Options {
  std::vector<std::string> files;
  OutputOptions output;
};

int run(const Options& o) {
  nlohmann::ordered_json report = nlohmann::ordered_json::array();
  TextTable csv;
  for (const char* c : {"file", "ok", "at_file", "line", "column", "pointer", "message"}) {
    csv.add_column(c);
  }
  std::string text;
  bool all_ok = true;
  for (const auto& file : o.files) {
    LoadResult r = load_scenario(file);
    add_input_files(r.files);  // -o must not replace a file the scenario extends
    bool ok = r.diagnostics.empty();
    all_ok = all_ok && ok;
    nlohmann::ordered_json problems = nlohmann::ordered_json::array();
    for (const auto& d : r.diagnostics) {
      if (o.output.format == Format::table || o.output.format == Format::md) {
        std::cerr << to_string(d) << "\n";
      }
      problems.push_back({{"file", d.file},
                          {"line", d.pos.line},
                          {"column", d.pos.column},
                          {"pointer", d.pointer},
                          {"message", d.message}});
      csv.add_row({file, "false", d.file, std::to_string(d.pos.line), std::to_string(d.pos.column),
                   d.pointer, d.message});
    }
    if (ok) {
      const auto& spec = r.scenario->waterfall;
      text += file + ": ok (" + std::to_string(spec.holders.size()) + " holders, " +
              std::to_string(spec.tiers.size()) + " tiers)\n";
      csv.add_row({file, "true", "", "", "", "", ""});
    } else {
      text += file + ": " + std::to_string(r.diagnostics.size()) + " problem" +
              (r.diagnostics.size() == 1 ? "" : "s") + "\n";
    }
    report.push_back({{"file", file}, {"ok", ok}, {"problems", problems}});
  }
  if (o.output.format == Format::json)
    text = nlohmann::ordered_json{{"files", report}}.dump(2) + "\n";
  if (o.output.format == Format::csv) text = csv.csv();
  if (auto err = emit(text, o.output.output_path)) {
    std::cerr << "capflow validate: " << *err << "\n";
    return kExitBadInput;
  }
  return all_ok ? kExitOk : kExitBadInput;
}

}  // namespace

Command setup_validate(CLI::App& parent) {
  auto opts = std::make_shared<Options>();
  CLI::App* app = parent.add_subcommand(
      "validate",
      "Check scenario files; print every problem found (file:line:col: /pointer: message).\n"
      "Exit code 2 if any file has a problem.\n"
      "Example:\n"
      "  capflow validate scenarios/*.json");
  app->add_option("files", opts->files, "Scenario files (JSON)")->required();
  add_output_options(*app, opts->output, {Format::table, Format::json, Format::csv, Format::md});
  return {app, [opts] { return run(*opts); }};
}

}  // namespace capflow::cli
