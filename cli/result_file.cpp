#include "result_file.hpp"

#include <algorithm>

#include "capflow/io/json_document.hpp"

namespace capflow::cli {

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

std::optional<std::string> check_nesting(const std::string& path, const std::string& text) {
  if (!json_nests_deeper_than(text, kMaxOutputDepth)) return std::nullopt;
  return path + ": not a capflow output: nested deeper than " + std::to_string(kMaxOutputDepth) +
         " levels";
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

std::string located_message(const std::string& path, const std::string& text,
                            const std::string& pointer, const std::string& problem) {
  Diagnostics ignored;
  const JsonNode root = parse_json(text, path, ignored);
  const JsonNode* node = &root;
  std::size_t at = 1;
  while (ignored.empty() && at <= pointer.size()) {
    std::size_t end = pointer.find('/', at);
    if (end == std::string::npos) end = pointer.size();
    std::string token;
    for (std::size_t i = at; i < end; ++i) {
      if (pointer[i] == '~' && i + 1 < end) {
        token += pointer[++i] == '1' ? '/' : '~';
      } else {
        token += pointer[i];
      }
    }
    const JsonNode* next = nullptr;
    if (node->is_object()) {
      next = node->find(token);
    } else if (node->is_array() && !token.empty() && token.size() < 10 &&
               std::all_of(token.begin(), token.end(),
                           [](char c) { return c >= '0' && c <= '9'; })) {
      const auto i = std::stoul(token);
      if (i < node->items.size()) next = &node->items[i];
    }
    if (next == nullptr) break;
    node = next;
    at = end + 1;
  }
  return to_string(Diagnostic{path, ignored.empty() ? node->pos : SourcePos{}, pointer, problem});
}

Result<nlohmann::ordered_json> read_json_file(const std::string& path) {
  using R = Result<nlohmann::ordered_json>;
  auto text = read_text_file(path, InputKind::result);
  if (!text) return R::failure(text.error());
  const std::string& s = text.value();
  if (auto deep = check_nesting(path, s)) return R::failure(*deep);
  try {
    return nlohmann::ordered_json::parse(s);
  } catch (const nlohmann::json::parse_error& e) {
    return R::failure(json_error_message(path, s, e));
  }
}

}  // namespace capflow::cli
