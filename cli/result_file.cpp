#include "result_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace capflow::cli {

Result<nlohmann::ordered_json> read_json_file(const std::string& path) {
  using R = Result<nlohmann::ordered_json>;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return R::failure(path + ": cannot read it: it is a directory");
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return R::failure(path +
                      ": cannot read it: " + (errno ? std::strerror(errno) : "cannot open it"));
  std::ostringstream text;
  text << in.rdbuf();
  const std::string s = text.str();
  try {
    return nlohmann::ordered_json::parse(s);
  } catch (const nlohmann::json::parse_error& e) {
    // Turn the byte offset into a line and column, as scenario errors give them.
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i + 1 < e.byte && i < s.size(); ++i) {
      if (s[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..."
    std::string what = e.what();
    const auto column = what.find("column ");
    const auto colon = what.find(": ", column == std::string::npos ? 0 : column);
    if (colon != std::string::npos) what = what.substr(colon + 2);
    return R::failure(path + ":" + std::to_string(line) + ":" + std::to_string(col) +
                      ": not valid JSON: " + what);
  }
}

}  // namespace capflow::cli
