// libFuzzer target for templates (capflow render): any text gives the filled text or
// located diagnostics, never a crash; scanning is linear in the template's length.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "capflow/whatif/template.hpp"
#include "fuzz_require.hpp"

namespace {

using capflow::fuzz::require;

const nlohmann::ordered_json& source() {
  static const nlohmann::ordered_json doc = nlohmann::ordered_json::parse(R"json({
    "meta": {"schema": "capflow/result/v1", "paths": 1000, "seed": 7},
    "holders": [{"id": "microsoft", "received": {"mean": 92000000000.5, "p50": "17.3B"},
                 "probability_at_cap": 0.25, "irr": null, "name": "Micro[soft](x)"}],
    "values": [1, -2.5, 1e300, "12.50", true, [], {}]
  })json");
  return doc;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  capflow::TemplateSources sources;
  sources.unnamed = &source();
  sources.named["a"] = &source();
  const capflow::RenderOutcome r = capflow::render_template(text, "fuzz.md", sources);
  for (const auto& d : r.diagnostics) {
    require(!d.message.empty());
    require(d.pos.line >= 1 && d.pos.column >= 1);
  }
  return 0;
}
