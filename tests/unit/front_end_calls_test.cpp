// What the front ends (the CLI and the Python module) call instead of doing it
// themselves: loading a scenario held in memory, a whole run as a RunJob, and stopping a
// run early.

#include <doctest/doctest.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <string>

#include "capflow/documents/run_job.hpp"
#include "capflow/montecarlo/monte_carlo.hpp"
#include "capflow/terms/scenario.hpp"
#include "unit/scenario_fixture.hpp"

using namespace capflow;

namespace {

std::string preset_path(const std::string& name) {
  return std::string(CAPFLOW_SOURCE_DIR) + "/scenarios/" + name;
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("a scenario loaded from text equals the same file loaded from disk") {
  const std::string path = preset_path("openai-2024-round.json");
  const Scenario from_file = testing::load_ok(path);
  // Named as the file, so that its "extends" resolves against the same folder.
  LoadResult from_text = load_scenario_text(read(path), path);
  INFO(testing::problems_of(from_text));
  REQUIRE(from_text.scenario);
  CHECK(from_text.scenario->content_sha256 == from_file.content_sha256);
  CHECK(from_text.scenario->file == path);
}

TEST_CASE("a scenario loaded from text locates its problems in the name it is given") {
  LoadResult r = load_scenario_text("{\n  \"schema\": \"capflow/scenario/v1\",\n  \"title\": 3\n}",
                                    "notebook.json");
  REQUIRE_FALSE(r.scenario);
  REQUIRE_FALSE(r.diagnostics.empty());
  bool located = false;
  for (const auto& d : r.diagnostics) {
    CHECK(d.file == "notebook.json");
    if (d.pointer == "/title") located = d.pos.line == 3;
  }
  CHECK(located);
}

TEST_CASE("run_job: a shard is its range of the whole run, and a cancelled run says so") {
  const Scenario s = testing::load_ok(preset_path("bench.json"));
  const MonteCarlo mc(s);
  RunJob job;
  job.paths = 5000;
  job.threads = 2;
  job.shard_k = 1;
  job.shard_n = 2;
  job.shard = "1/2";
  CHECK(shard_range(job) == std::pair<std::uint64_t, std::uint64_t>{2500, 5000});
  CHECK(progress_total(job) == 2500);
  const RunOutcome shard = run_job(mc, s, job);
  CHECK_FALSE(shard.cancelled);
  CHECK(shard.meta.first_path == 2500);
  CHECK(shard.meta.paths == 2500);
  CHECK(shard.meta.include_accumulators);
  const RunStats direct = mc.run(RunRequest{42, 2500, 2500, 1, nullptr});
  CHECK(shard.stats.to_json() == direct.to_json());

  std::atomic<bool> cancel{true};
  std::atomic<std::uint64_t> done{0};
  RunJob stopped;
  stopped.paths = 1'000'000;
  stopped.threads = 2;
  stopped.cancel = &cancel;
  stopped.progress = &done;
  const RunOutcome out = run_job(mc, s, stopped);
  CHECK(out.cancelled);
  CHECK(done.load() == 0);  // set before the start: no chunk is taken
}
