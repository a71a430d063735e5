// libFuzzer target for the scenario loader: any bytes must give either a scenario or
// located diagnostics; never a crash, a hang, or a sanitizer report.
//
//   cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCAPFLOW_BUILD_FUZZ=ON \
//         -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined" -DCAPFLOW_BUILD_BENCH=OFF
//   cmake --build build-fuzz --target capflow_fuzz_scenario
//   mkdir -p /tmp/corpus && build-fuzz/tests/fuzz/capflow_fuzz_scenario /tmp/corpus \
//         tests/golden/inputs/bad tests/golden/inputs/good scenarios -max_total_time=600
//
// Each input is parsed in memory (JSON positions, duplicates, merge patch onto itself) and
// then loaded as a file through load_scenario, with and without --set overrides, so that
// extends, overrides and every section reader run on it.

#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "capflow/io/json_document.hpp"
#include "capflow/terms/scenario.hpp"
#include "fuzz_require.hpp"

namespace {

using capflow::fuzz::require;

void check(const capflow::LoadResult& r) {
  require(r.scenario.has_value() == r.diagnostics.empty());
  for (const auto& d : r.diagnostics) {
    require(!d.message.empty());
    require(!d.file.empty());
    require(d.pos.line >= 0 && (d.pos.line == 0) == (d.pos.column == 0));
    require(d.pointer.empty() || d.pointer.front() == '/');
  }
}

const std::string& scratch_file() {
  static const std::string path = [] {
    std::string tmpl = (std::filesystem::temp_directory_path() / "capflow-fuzz-XXXXXX").string();
    require(mkdtemp(tmpl.data()) != nullptr);
    return tmpl + "/scenario.json";
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);

  capflow::Diagnostics diags;
  capflow::JsonNode doc = capflow::parse_json(text, "fuzz.json", diags);
  for (const auto& d : diags) require(d.pos.line >= 1 && d.pos.column >= 1);
  capflow::JsonNode copy = doc;
  capflow::merge_patch(copy, doc);
  (void)capflow::dump(copy);

  {
    std::ofstream out(scratch_file(), std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
  }
  check(capflow::load_scenario(scratch_file()));
  check(capflow::load_scenario(scratch_file(), {{"holders.nonprofit.cap", "null"},
                                                {"/waterfall/tiers/0/size", "\"1.5B\""},
                                                {"waterfall.tiers.-", "{\"split\": {}}"}}));
  return 0;
}
