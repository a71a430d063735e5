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

}  // namespace capflow::cli
