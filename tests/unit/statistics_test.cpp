// The accumulators' JSON is what shards and `capflow merge` exchange: its form must not
// change with the in-memory layout. The expected strings were written by the layout
// before the sketch's signs shared one line of slots (commit c1fcfa1).

#include <doctest/doctest.h>

#include "capflow/statistics.hpp"

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
