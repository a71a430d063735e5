// The accumulators' JSON is what shards and `capflow merge` exchange: its form must not
// change with the in-memory layout. The expected strings were written by the layout
// before the sketch's signs shared one line of slots (commit c1fcfa1).

#include <doctest/doctest.h>

#include "capflow/montecarlo/statistics.hpp"

TEST_CASE("statistics: the sketch's JSON keeps its form") {
  capflow::Sketch s;
  for (double x : {-2.0, -1.0, -0.0, 0.0, 1.0, 3.0, 1e-300, 1e20, -1e20, 3.7e9, -7.25e9, 1.5, 1.5})
    s.add(x);
  const std::string expected =
      R"({"max":1e+20,"min":-1e+20,"negative":[[10240,1],[10496,1],[18608,1],[26623,1]],)"
      R"("positive":[[0,1],[10240,1],[10368,2],[10624,1],[18361,1],[26623,1]],"zero":2})";
  CHECK(s.to_json().dump() == expected);
  const auto back = capflow::Sketch::from_json(s.to_json());
  CHECK(back.to_json() == s.to_json());
  CHECK(back.count() == 13);
  // Order statistic 9 of 0-12 is 1.5, reported as its bucket's midpoint.
  CHECK(back.quantile(0.75) == doctest::Approx(1.5).epsilon(0.003));
  CHECK(back.fraction_positive() == doctest::Approx(7.0 / 13));
}

TEST_CASE("statistics: counts keep their JSON form, -1 among other values") {
  capflow::Counts c;
  for (long long v : {-2LL, -1LL, 2030LL, -1LL, 0LL, 2024LL, 2500LL}) c.add(v);
  const std::string expected = "[[-2,1],[-1,2],[0,1],[2024,1],[2030,1],[2500,1]]";
  CHECK(c.to_json().dump() == expected);
  capflow::Counts merged = capflow::Counts::from_json(c.to_json());
  merged.merge(c);
  CHECK(merged.counts().at(-1) == 4);
  CHECK(merged.counts().at(-2) == 2);
  CHECK(merged.counts().at(2030) == 2);
}

// A bucket's count is a 16-bit counter and what its wraps carried: counts at, across
// and far beyond 2^16 must come out whole, through merge, JSON and the percentiles.
// Key 10240 is the bucket of 1.0, 10752 that of 4.0 (see the test above).
TEST_CASE("statistics: the sketch counts past its 16-bit counters") {
  capflow::Sketch a;
  for (int i = 0; i < 65535; ++i) a.add(1.0);  // one short of the first wrap
  a.add(0.0);
  CHECK(a.count() == 65536);
  a.add(1.0);  // the wrap: the counter reads 0, the carry 2^16
  CHECK(a.count() == 65537);
  CHECK(a.to_json().at("positive").dump() == "[[10240,65536]]");
  CHECK(a.quantile(0.5) == doctest::Approx(1.0).epsilon(0.004));
  CHECK(a.fraction_positive() == doctest::Approx(65536.0 / 65537));

  // 65,536 more: the counter wraps again and reads 0 again, the count 2^17.
  capflow::Sketch b;
  for (int i = 0; i < 65536; ++i) b.add(1.0);
  b.add(-3.0);
  a.merge(b);
  CHECK(a.to_json().at("positive").dump() == "[[10240,131072]]");
  CHECK(a.count() == 131074);
  // In order: -3 (rank 0), 0 (rank 1), then the ones.
  CHECK(a.quantile(0.0) == -3.0);
  CHECK(a.quantile(1.0) == 1.0);
  CHECK(a.quantile(1.5 / 131073) == 0.0);
  CHECK(a.quantile(2.5 / 131073) == doctest::Approx(1.0).epsilon(0.004));

  // Counts far beyond 32 bits, as merged shards may hold.
  const auto big = nlohmann::json::parse(
      R"({"max":5.0,"min":-1.0,"negative":[[10240,1]],"positive":[[10240,5000000000],)"
      R"([10752,70000]],"zero":4294967296})");
  const auto s = capflow::Sketch::from_json(big);
  CHECK(s.to_json() == big);
  CHECK(s.count() == 5000000000ULL + 70000 + 4294967296ULL + 1);
  capflow::Sketch twice = s;
  twice.merge(s);
  CHECK(twice.to_json().at("zero") == 2 * 4294967296ULL);
  CHECK(twice.to_json().at("positive").dump() == "[[10240,10000000000],[10752,140000]]");
  // In order: -1 (rank 0), 2^32 zeros, 5e9 ones, then the fours.
  CHECK(s.quantile(0.3) == 0.0);
  CHECK(s.quantile(0.9) == doctest::Approx(1.0).epsilon(0.004));
  CHECK(s.quantile(1 - 1e-6) == doctest::Approx(4.0).epsilon(0.004));
}

// A sketch's block table points into its counters: after a move, the source must be an
// empty sketch that counts again from nothing, not a table into counters it lost.
TEST_CASE("statistics: a moved-from sketch is empty and usable") {
  capflow::Sketch a;
  for (double x : {1.0, 2.0, -3.0, 0.0}) a.add(x);
  const std::string before = a.to_json().dump();
  capflow::Sketch b = std::move(a);
  CHECK(b.to_json().dump() == before);
  CHECK(a.count() == 0);  // NOLINT(bugprone-use-after-move): the point of the test
  a.add(5.0);
  CHECK(a.count() == 1);
  CHECK(a.quantile(0.5) == 5.0);
  capflow::Sketch c;
  c.add(7.0);
  c = std::move(b);
  CHECK(c.to_json().dump() == before);
  CHECK(b.count() == 0);  // NOLINT(bugprone-use-after-move)
  b.add(-1.0);
  CHECK(b.to_json().dump() ==
        R"({"max":-1.0,"min":-1.0,"negative":[[10240,1]],"positive":[],"zero":0})");
}
