#include <doctest/doctest.h>

#include "capflow/io/number.hpp"
#include "capflow/waterfall/rounding.hpp"

using capflow::Integer;
using capflow::Rational;

namespace {
Rational money(const char* s) {
  auto r = capflow::parse_money(s);
  REQUIRE_MESSAGE(r.ok(), s << ": " << (r.ok() ? "" : r.error()));
  return r.value();
}
Rational share(const char* s) {
  auto r = capflow::parse_share(s);
  REQUIRE_MESSAGE(r.ok(), s << ": " << (r.ok() ? "" : r.error()));
  return r.value();
}
std::string money_error(const char* s) {
  auto r = capflow::parse_money(s);
  REQUIRE_FALSE(r.ok());
  return r.error();
}
}  // namespace

TEST_CASE("money text: every form of SPEC §2 is read exactly") {
  CHECK(money("1500000000") == Rational(1500000000));
  CHECK(money("1.5B") == Rational(1500000000));
  CHECK(money("194M") == Rational(194000000));
  CHECK(money("17.3e9") == Rational(17300000000LL));
  CHECK(money("17.3E+9") == Rational(17300000000LL));
  CHECK(money("1_000_000") == Rational(1000000));
  CHECK(money("1,000,000.25") == Rational(100000025, 100));
  CHECK(money("-2,500") == Rational(-2500));
  CHECK(money("+7K") == Rational(7000));
  CHECK(money("1.25T") == Rational(1250000000000LL));
  CHECK(money("0.1") == Rational(1, 10));  // not 0.1000000000000000055...
  CHECK(money("5e-2") == Rational(1, 20));
  CHECK(money("92000000000.00") == Rational(92000000000LL));
}

TEST_CASE("money text: malformed input names the text and what was expected") {
  // Commas group thousands: a misplaced one is a typo, not a digit separator to skip.
  for (const char* typo :
       {"1,5", "1,50", "1,5000", "1234,567", "1,000,00", "12,34,567", "0,001", "00,001"}) {
    CAPTURE(typo);
    CHECK(money_error(typo).find("commas must separate groups of three digits") !=
          std::string::npos);
  }
  CHECK(money("123,456") == Rational(123456));
  CHECK(money("1_5") == Rational(15));  // underscores group freely, as in C++ and Python
  CHECK(money_error("abc").find("\"abc\": expected a digit") == 0);
  CHECK(money_error("1.5b").find("unexpected 'b'") != std::string::npos);
  CHECK(money_error("1.").find("expected a digit after '.'") != std::string::npos);
  CHECK(money_error("1e").find("expected digits after the exponent") != std::string::npos);
  CHECK(money_error("1__0").find("unexpected '_'") != std::string::npos);
  CHECK(money_error(",100").find("expected a digit") != std::string::npos);
  CHECK(money_error("100,").find("unexpected ','") != std::string::npos);
  CHECK(money_error("1BB").find("unexpected 'B'") != std::string::npos);
  CHECK(money_error("inf").find("expected a digit") != std::string::npos);
  CHECK(money_error("NaN").find("expected a digit") != std::string::npos);
  CHECK(money_error("1e400").find("exponent out of range") != std::string::npos);
  CHECK(money_error("2e18T").find("magnitude above") != std::string::npos);
  CHECK(money_error("").find("expected a digit") != std::string::npos);
}

TEST_CASE("share text: decimals and percentages are exact") {
  CHECK(share("0.49") == Rational(49, 100));
  CHECK(share("49%") == Rational(49, 100));
  CHECK(share("12.5%") == Rational(1, 8));
  CHECK(share("1") == Rational(1));
  CHECK(share("1e-2") == Rational(1, 100));
  CHECK_FALSE(capflow::parse_share("49 %").ok());
  CHECK_FALSE(capflow::parse_share("0.5M").ok());
  CHECK_FALSE(capflow::parse_share("1,5").ok());
}

TEST_CASE("round_to_cents: nearest cent, ties away from zero") {
  CHECK(capflow::round_to_cents(Rational(1, 200)) == 1);    // 0.005 -> 0.01
  CHECK(capflow::round_to_cents(Rational(-1, 200)) == -1);  // -0.005 -> -0.01
  CHECK(capflow::round_to_cents(Rational(1, 300)) == 0);    // 0.00333 -> 0.00
  CHECK(capflow::round_to_cents(Rational(2, 3)) == 67);
  CHECK(capflow::format_cents(Integer(-5)) == "-0.05");
  CHECK(capflow::format_cents(Integer(123456)) == "1234.56");
  CHECK(capflow::format_cents_grouped(Integer("50000000000000")) == "500,000,000,000.00");
  CHECK(capflow::format_cents_grouped(Integer(-99)) == "-0.99");
}

TEST_CASE("format_decimal: exact when short, rounded otherwise") {
  CHECK(capflow::format_decimal(Rational(1, 8)) == "0.125");
  CHECK(capflow::format_decimal(Rational(3)) == "3");
  CHECK(capflow::format_decimal(Rational(1, 3), 4) == "0.3333");
  CHECK(capflow::format_decimal(Rational(2, 3), 4) == "0.6667");
  CHECK(capflow::format_decimal(Rational(-1, 8)) == "-0.125");
  CHECK(capflow::format_decimal(Rational(-1, 10000000), 4) == "0");
  CHECK(capflow::format_percent(Rational(49, 100)) == "49%");
  CHECK(capflow::format_money_short(Rational(17300000000LL)) == "$17.3B");
  CHECK(capflow::format_money_short(Rational(194000000)) == "$194M");
  CHECK(capflow::format_money_short(Rational(950)) == "$950");
}

TEST_CASE("format_decimal: digits beyond the places asked for round, however far out") {
  // Found by the number fuzzer (tests/fuzz/corpus/number/found-digits-past-60-places): the
  // value has 65 decimals, the last one nonzero; 40 and 60 places both round it.
  const Rational v = money("0.99010900000300000000000000000000000000000000000000000000001e-6");
  CHECK(capflow::format_decimal(v, 40) == "0.000000990109000003");
  CHECK(capflow::format_decimal(v, 60) == "0.000000990109000003");
  CHECK(money("0.000000990109000003") != v);
  CHECK(capflow::format_decimal(v, 65) ==
        "0.00000099010900000300000000000000000000000000000000000000000000001");
}

TEST_CASE("allocate_cents: rounded parts sum to the rounded total, ties to the first listed") {
  using V = std::vector<Rational>;
  // Three equal thirds of $1: the extra cent goes to the first holder.
  auto thirds = capflow::allocate_cents(V{Rational(1, 3), Rational(1, 3), Rational(1, 3)});
  CHECK(thirds == std::vector<Integer>{34, 33, 33});
  // The largest remainder wins over list order.
  auto r = capflow::allocate_cents(V{Rational(1001, 1000), Rational(1009, 1000)});  // 1.001 + 1.009
  CHECK(r == std::vector<Integer>{100, 101});
  // Whole cents are left alone.
  auto whole = capflow::allocate_cents(V{Rational(5), Rational(7, 100)});
  CHECK(whole == std::vector<Integer>{500, 7});
  CHECK(capflow::allocate_cents(V{}).empty());
  CHECK_THROWS_AS(capflow::allocate_cents(V{Rational(-1)}), std::logic_error);
}
