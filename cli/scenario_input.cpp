#include "scenario_input.hpp"

#include <iostream>

#include "output.hpp"

namespace capflow::cli {

void add_set_option(CLI::App& app, std::vector<std::string>& sets) {
  app.add_option(
         "--set", sets,
         "Override a scenario value: PATH=VALUE, PATH a JSON pointer (/holders/microsoft/cap) "
         "or dotted path (holders.microsoft.cap); VALUE is JSON, or else a string")
      ->type_name("PATH=VALUE")
      ->allow_extra_args(false);
}

std::optional<Scenario> load_command_scenario(const std::string& path,
                                              const std::vector<std::string>& sets) {
  auto s = load_or_report(path, sets, std::cerr);
  if (s) add_input_files(s->files);
  return s;
}

}  // namespace capflow::cli
