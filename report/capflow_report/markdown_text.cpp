#include "capflow_report/markdown_text.hpp"

namespace capflow {

std::string markdown_text(std::string_view s, bool cell) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const char next = i + 1 < s.size() ? s[i + 1] : '\0';
    const bool letter = (next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z');
    const bool opens_html = letter || next == '/' || next == '!' || next == '?';
    if (c == '[' || c == ']' || c == '`' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '<' && opens_html) {
      out += "&lt;";
    } else if (c == '>' && i == 0) {
      out += "&gt;";
    } else if (c == '|' && cell) {
      out += "\\|";
    } else if (c == '\n' && cell) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace capflow
