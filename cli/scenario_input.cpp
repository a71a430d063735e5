#include "scenario_input.hpp"

namespace capflow::cli {

void add_set_option(CLI::App& app, std::vector<std::string>& sets) {
  app.add_option(
         "--set", sets,
         "Override a scenario value: PATH=VALUE, PATH a JSON pointer (/holders/microsoft/cap) "
         "or dotted path (holders.microsoft.cap); VALUE is JSON, or else a string")
      ->type_name("PATH=VALUE")
      ->allow_extra_args(false);
}

std::optional<Scenario> load_or_report(const std::string& path,
                                       const std::vector<std::string>& sets, std::ostream& err) {
  std::vector<Override> overrides;
  bool bad = false;
  for (const auto& s : sets) {
    if (auto o = parse_override(s)) {
      overrides.push_back(*o);
    } else {
      err << "capflow: --set " << s << ": expected PATH=VALUE\n";
      bad = true;
    }
  }
  if (bad) return std::nullopt;
  LoadResult loaded = load_scenario(path, overrides);
  for (const auto& d : loaded.diagnostics) err << to_string(d) << "\n";
  return std::move(loaded.scenario);
}

}  // namespace capflow::cli
