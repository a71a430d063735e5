#include "capflow/io/diagnostic.hpp"

namespace capflow {

std::string to_string(const Diagnostic& d) {
  std::string out = d.file;
  if (d.pos.line > 0) {
    out += ":" + std::to_string(d.pos.line) + ":" + std::to_string(d.pos.column);
  }
  out += ": ";
  if (!d.pointer.empty()) out += d.pointer + ": ";
  return out + d.message;
}

}  // namespace capflow
