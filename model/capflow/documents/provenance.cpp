#include "capflow/documents/provenance.hpp"

#include "capflow/version.hpp"

namespace capflow {

nlohmann::ordered_json provenance(const std::string& schema, const std::string& scenario_file,
                                  const std::string& scenario_sha256,
                                  const std::vector<std::string>& overrides) {
  nlohmann::ordered_json m;
  m["schema"] = schema;
  m["version"] = kVersion;
  m["scenario"] = scenario_file;
  m["scenario_sha256"] = scenario_sha256;
  m["overrides"] = overrides;
  return m;
}

nlohmann::ordered_json provenance(const std::string& schema, const Scenario& s,
                                  const std::vector<std::string>& overrides) {
  return provenance(schema, s.file, s.content_sha256, overrides);
}

}  // namespace capflow
