#pragma once
// One problem found in the input, located as precisely as the reader knows.

#include <string>
#include <vector>

namespace capflow {

struct SourcePos {
  int line = 0;    // 1-based; 0 when unknown (values set with --set, for instance)
  int column = 0;  // 1-based, in characters
};

struct Diagnostic {
  std::string file;     // as the user named it
  SourcePos pos;        // where the offending value starts
  std::string pointer;  // RFC 6901 JSON pointer of the offending value ("" = whole document)
  std::string message;  // what is wrong and what was expected
};

// "file:line:col: /pointer: message" (line/col and pointer omitted when unknown).
std::string to_string(const Diagnostic& d);

using Diagnostics = std::vector<Diagnostic>;

}  // namespace capflow
