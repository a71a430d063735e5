// libFuzzer target for exact number parsing (money, shares): any text gives a value or
// a message, in time linear in its length; a value that formats exactly reads back
// unchanged.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "capflow/io/number.hpp"
#include "fuzz_require.hpp"

using capflow::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto money = capflow::parse_money(text);
  if (money) {
    // format_decimal is exact when the value has at most 40 decimals (then the text
    // reads back to the same value: at most 19 + 40 digits), rounded otherwise (then it
    // cannot). Whether it has is decided exactly: 10^40 × value is a whole number. (A
    // first version compared the 40- and 60-place texts, which agree for a value whose
    // further digits start after the 60th place: the fuzzer found
    // 0.99010900000300000000000000000000000000000000000000000000001e-6, now in the corpus.)
    const std::string text40 = capflow::format_decimal(money.value(), 40);
    (void)capflow::format_money_short(money.value());
    (void)capflow::format_cents_grouped(capflow::round_to_cents(money.value()));
    require(!text40.empty());
    const capflow::Rational scaled =
        money.value() * capflow::Rational(boost::multiprecision::pow(capflow::Integer(10), 40));
    const bool fits = boost::multiprecision::denominator(scaled) == 1;
    const auto again = capflow::parse_money(text40);
    if (fits) {
      require(again && again.value() == money.value());
    } else {
      require(!again || again.value() != money.value());
    }
  } else {
    require(!money.error().empty());
  }
  const auto share = capflow::parse_share(text);
  if (share) {
    (void)capflow::format_percent(share.value());
  } else {
    require(!share.error().empty());
  }
  return 0;
}
