#include "seed_option.hpp"

#include <charconv>
#include <cstdint>
#include <string>

namespace capflow::cli {

CLI::Validator seed_check() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        std::uint64_t value = 0;
        const char* end = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data(), end, value);
        const bool digits =
            !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
        if (digits && ec == std::errc() && ptr == end) return "";
        return "a seed is a whole number from 0 to 18446744073709551615, not " + text;
      },
      "");
}

CLI::Validator digits_check() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (!text.empty() && text.size() <= 19 &&
            text.find_first_not_of("0123456789") == std::string::npos)
          return "";
        return "expected a whole number in decimal digits, not \"" + text + "\"";
      },
      "DIGITS");
}

}  // namespace capflow::cli
