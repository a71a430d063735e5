#include "result_file.hpp"

namespace capflow::cli {
namespace {

// capflow's outputs nest a few levels; the recursive algorithms on a document (copy,
// dump, diff) must not run out of stack on a hostile one.
constexpr int kMaxResultDepth = 64;

}  // namespace

Result<std::string> read_text_file(const std::string& path, InputKind kind, bool allow_stdin) {
  using R = Result<std::string>;
  InputText in = read_input(path, kind, allow_stdin);
  if (in.text) return std::move(*in.text);
  const InputFailure& f = in.failure;
  if (f.pos.line > 0) {
    return R::failure(path + ":" + std::to_string(f.pos.line) + ":" + std::to_string(f.pos.column) +
                      ": " + f.reason);
  }
  return R::failure(path + ": cannot read it: " + f.reason);
}

std::string json_error_message(const std::string& path, const std::string& s,
                               const nlohmann::json::parse_error& e) {
  // Turn the byte offset into a line and column, as scenario errors give them.
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i + 1 < e.byte && i < s.size(); ++i) {
    if (s[i] == '\n') {
      ++line;
      col = 1;
    } else if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      ++col;
    }
  }
  // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..."
  std::string what = e.what();
  const auto column = what.find("column ");
  const auto colon = what.find(": ", column == std::string::npos ? 0 : column);
  if (colon != std::string::npos) what = what.substr(colon + 2);
  return path + ":" + std::to_string(line) + ":" + std::to_string(col) +
         ": not valid JSON: " + what;
}

Result<nlohmann::ordered_json> read_json_file(const std::string& path) {
  using R = Result<nlohmann::ordered_json>;
  auto text = read_text_file(path, InputKind::result);
  if (!text) return R::failure(text.error());
  const std::string& s = text.value();
  try {
    bool too_deep = false;
    auto doc = nlohmann::ordered_json::parse(
        s, [&](int depth, nlohmann::json::parse_event_t, nlohmann::ordered_json&) {
          too_deep = too_deep || depth > kMaxResultDepth;
          return !too_deep;
        });
    if (too_deep) {
      return R::failure(path + ": not a capflow output: nested deeper than " +
                        std::to_string(kMaxResultDepth) + " levels");
    }
    return doc;
  } catch (const nlohmann::json::parse_error& e) {
    return R::failure(json_error_message(path, s, e));
  }
}

}  // namespace capflow::cli
