// capflow render TEMPLATE --results FILE.json [--results name=FILE.json ...]
// Fills {{ pointer | filter }} placeholders in any text file with values from result
// files (docs/reports.md).

#include <iostream>
#include <map>
#include <memory>

#include "capflow/whatif/template.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "result_file.hpp"

namespace capflow::cli {
namespace {

struct Options {
  std::string templ;
  std::vector<std::string> results;
  std::string output_path;
};

bool valid_name(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

int run(const Options& o) {
  const char* me = "capflow render: ";
  std::optional<nlohmann::ordered_json> unnamed;
  std::map<std::string, nlohmann::ordered_json> named;
  bool bad = false;
  for (const auto& spec : o.results) {
    std::string name, path = spec;
    const auto eq = spec.find('=');
    if (eq != std::string::npos) {
      name = spec.substr(0, eq);
      path = spec.substr(eq + 1);
      if (!valid_name(name)) {
        std::cerr << me << "--results " << spec
                  << ": a source name is letters, digits, '_' and '-' (NAME=FILE)\n";
        bad = true;
        continue;
      }
    }
    auto doc = read_json_file(path);
    if (!doc) {
      std::cerr << doc.error() << "\n";
      bad = true;
      continue;
    }
    if (name.empty()) {
      if (unnamed) {
        std::cerr << me << "--results " << spec
                  << ": only one unnamed --results FILE; name the others (NAME=FILE)\n";
        bad = true;
        continue;
      }
      unnamed = std::move(doc).value();
    } else if (!named.emplace(name, std::move(doc).value()).second) {
      std::cerr << me << "--results " << spec << ": the name \"" << name << "\" is given twice\n";
      bad = true;
    }
  }
  auto text = read_text_file(o.templ, InputKind::text_template, /*allow_stdin=*/true);
  if (!text) {
    std::cerr << text.error() << "\n";
    return kExitBadInput;
  }
  if (bad) return kExitBadInput;
  TemplateSources sources;
  if (unnamed) sources.unnamed = &*unnamed;
  for (const auto& [k, v] : named) sources.named[k] = &v;
  RenderOutcome r = render_template(text.value(), o.templ, sources);
  if (!r.diagnostics.empty()) {
    for (const auto& d : r.diagnostics) std::cerr << to_string(d) << "\n";
    return kExitBadInput;
  }
  if (auto err = emit(r.text, o.output_path)) {
    std::cerr << me << *err << "\n";
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace

Command setup_render(CLI::App& parent) {
  auto opts = std::make_shared<Options>();
  CLI::App* app = parent.add_subcommand(
      "render",
      "Fill {{ POINTER | FILTER }} placeholders in a text file with values from result files.\n"
      "Filters: raw (default), money ($184.5B), money:full ($1,234,567.89), pct, pct:N, int,\n"
      "year, fixed:N. See docs/reports.md.\n"
      "Examples:\n"
      "  capflow render note.md.in --results run.json -o note.md\n"
      "  capflow render note.md.in --results run=run.json --results wf=waterfall.json");
  app->add_option("template", opts->templ, "Template file (any text: Markdown, HTML, LaTeX)")
      ->required();
  app->add_option("--results", opts->results,
                  "A result file (JSON output of waterfall, project, run, diff); NAME=FILE names "
                  "it for {{ NAME:/pointer }} (repeatable; one may be unnamed)")
      ->type_name("[NAME=]FILE")
      ->required()
      ->allow_extra_args(false);
  app->add_option("-o,--output", opts->output_path,
                  "Write to FILE (atomically; nothing is written on any error) instead of stdout")
      ->type_name("FILE");
  return {app, [opts] { return run(*opts); }};
}

}  // namespace capflow::cli
