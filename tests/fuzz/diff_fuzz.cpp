// libFuzzer target for saved outputs read by `capflow diff`: any JSON document is
// classified and compared, against itself and against a real run result, without a crash,
// a hang, or a sanitizer report; a document never differs from itself.

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>

#include "capflow/io/input_file.hpp"
#include "capflow/whatif/comparison.hpp"
#include "capflow/whatif/result_diff.hpp"
#include "fuzz_require.hpp"

namespace {

using capflow::fuzz::require;

// A saved run result of a preset, as `diff` would meet it beside a tampered one.
const nlohmann::ordered_json& reference() {
  static const nlohmann::ordered_json doc = [] {
    std::ifstream in(CAPFLOW_SOURCE_DIR "/tests/fuzz/corpus/diff/run-2024-round.json");
    std::stringstream text;
    text << in.rdbuf();
    return nlohmann::ordered_json::parse(text.str());
  }();
  return doc;
}

void check(const std::vector<capflow::Comparison>& rows, const capflow::Tolerance& t) {
  for (const auto& c : rows) {
    require(c.pointer.empty() || c.pointer.front() == '/');
    (void)capflow::differs(c, t);
    (void)c.difference();
    (void)c.se_unpaired();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // What diff's reader refuses before parsing (capflow/io/input_file.hpp).
  if (capflow::check_text(text) || capflow::json_nests_deeper_than(text, capflow::kMaxOutputDepth))
    return 0;
  const nlohmann::ordered_json doc =
      nlohmann::ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return 0;
  (void)capflow::output_kind_name(capflow::output_kind(doc));
  const capflow::Tolerance exact;
  const auto self = capflow::diff_outputs(doc, doc);
  check(self, exact);
  for (const auto& c : self) require(!capflow::differs(c, exact));
  capflow::Tolerance relative;
  relative.relative = capflow::Rational(1, 100);
  check(capflow::diff_outputs(doc, reference()), relative);
  check(capflow::diff_outputs(reference(), doc), exact);
  return 0;
}
