// libFuzzer target for exact number parsing (money, shares): any text gives a value or
// a message, in time linear in its length; a value that formats exactly reads back
// unchanged.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "capflow/io/number.hpp"

namespace {

void require(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto money = capflow::parse_money(text);
  if (money) {
    // format_decimal is exact up to 40 places, and then reads back to the same value.
    const std::string exact = capflow::format_decimal(money.value(), 40);
    (void)capflow::format_money_short(money.value());
    (void)capflow::format_cents_grouped(capflow::round_to_cents(money.value()));
    const auto again = capflow::parse_money(exact);
    require(!exact.empty());
    require(!again || again.value() == money.value() ||
            capflow::format_decimal(money.value(), 60) != exact);
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
