#include "count_options.hpp"

#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>

namespace capflow::cli {
namespace {

// s as a whole number from 1 to max (digits or an exponent form), or nullopt.
std::optional<std::uint64_t> whole(const std::string& s, double max) {
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !(v >= 1) || v != std::floor(v) || v > max)
    return std::nullopt;
  return static_cast<std::uint64_t>(v);
}

}  // namespace

CLI::Validator path_count() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        // Decimal digits and an optional exponent only: strtod alone would also read
        // hexadecimal ("0x10"), leading blanks, a sign, "inf" and "nan".
        const bool decimal = !s.empty() && s[0] >= '0' && s[0] <= '9' &&
                             s.find_first_not_of("0123456789.eE") == std::string::npos;
        const auto v = decimal ? whole(s, static_cast<double>(kMaxPaths)) : std::nullopt;
        if (!v) {
          return "expected a whole number of paths from 1 to " + std::to_string(kMaxPaths) +
                 " (1e10), e.g. 100000 or 1e6; found \"" + s + "\"";
        }
        s = std::to_string(*v);
        return {};
      },
      "");
}

CLI::Validator thread_count() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        const bool digits = !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
        const auto v = digits ? whole(s, kMaxThreads) : std::optional<std::uint64_t>();
        if (!v) {
          return "expected a number of threads from 1 to " + std::to_string(kMaxThreads) +
                 "; found \"" + s + "\"";
        }
        return {};
      },
      "");
}

}  // namespace capflow::cli
