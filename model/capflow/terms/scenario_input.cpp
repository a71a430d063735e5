#include "capflow/terms/scenario_input.hpp"

#include <ostream>

namespace capflow {

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

}  // namespace capflow
