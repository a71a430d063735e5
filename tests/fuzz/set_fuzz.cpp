// libFuzzer target for --set: any PATH=VALUE text, applied to a valid scenario, gives a
// scenario or located diagnostics; never a crash, a hang, or a sanitizer report.

#include <cstddef>
#include <cstdint>
#include <string>

#include "capflow/terms/scenario.hpp"

#ifndef CAPFLOW_SOURCE_DIR
#error "CAPFLOW_SOURCE_DIR must name the source tree (tests/fuzz/CMakeLists.txt sets it)"
#endif

namespace {

void require(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

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
