// libFuzzer target for --set: any PATH=VALUE text, applied to a valid scenario, gives a
// scenario or located diagnostics; never a crash, a hang, or a sanitizer report.

#include <cstddef>
#include <cstdint>
#include <string>

#include "capflow/terms/scenario.hpp"
#include "fuzz_require.hpp"

using capflow::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto o = capflow::parse_override(text);
  if (!o) return 0;
  (void)capflow::split_path(o->path);
  const capflow::LoadResult r = capflow::load_scenario(
      CAPFLOW_SOURCE_DIR "/tests/golden/inputs/good/uncertain-inputs.json", {*o});
  require(r.scenario.has_value() == r.diagnostics.empty());
  for (const auto& d : r.diagnostics) require(!d.message.empty());
  return 0;
}
