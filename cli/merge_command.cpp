// capflow merge RESULT.json...
// Combines the shards of one run into the result of the whole run.

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "capflow/montecarlo/monte_carlo.hpp"
#include "capflow/version.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "result_file.hpp"
#include "run_result.hpp"
#include "scenario_input.hpp"

namespace capflow::cli {
namespace {

// meta.threads is informational; a larger value was not written by capflow.
constexpr std::uint64_t kMaxThreads = 65536;

struct Options {
  std::vector<std::string> files;
  std::string scenario;
  bool accumulators = false;
  OutputOptions output;
};

int run(const Options& o) {
  RunStats total;
  RunMeta meta;
  std::string scenario_file;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  std::uint64_t total_paths = 0;  // of the whole run, as the shards record it
  std::optional<Scenario> scenario;
  for (const auto& f : o.files) {
    auto text = read_text_file(f, InputKind::result);
    if (!text) {
      std::cerr << text.error() << "\n";
      return kExitBadInput;
    }
    if (auto deep = check_nesting(f, text.value())) {
      std::cerr << *deep << "\n";
      return kExitBadInput;
    }
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(text.value());
    } catch (const nlohmann::json::parse_error& e) {
      std::cerr << json_error_message(f, text.value(), e) << "\n";
      return kExitBadInput;
    }
    // A shard is data from outside: every value is checked before it is used, and a
    // problem is reported at its place in the file.
    auto tampered = [&](const std::string& pointer, const std::string& problem) {
      std::cerr << located_message(f, text.value(), pointer, problem)
                << " (not a mergeable capflow result)\n";
      return kExitBadInput;
    };
    try {
      if (!j.is_object() || !j.contains("meta") || !j.at("meta").is_object())
        throw AccumulatorError("/meta", "not a capflow run result (no \"meta\" object)");
      const auto& m = j.at("meta");
      auto string_at = [&](const char* key) {
        if (!m.contains(key) || !m.at(key).is_string())
          throw AccumulatorError(std::string("/meta/") + key, "expected a string");
        return m.at(key).get<std::string>();
      };
      auto count_at = [&](const char* key) {
        if (!m.contains(key)) throw AccumulatorError(std::string("/meta/") + key, "missing");
        return read_count(m.at(key), std::string("/meta/") + key);
      };
      if (string_at("schema") != kResultSchema)
        throw AccumulatorError("/meta/schema", "not a capflow run result");
      // The accumulators' layout is capflow's own, so only the capflow that wrote them
      // reads them.
      if (const std::string v = string_at("version"); v != kVersion) {
        throw AccumulatorError("/meta/version", "made by capflow " + v + ", this is capflow " +
                                                    kVersion + "; merge with the same version");
      }
      if (!j.contains("accumulators")) {
        throw AccumulatorError(
            "",
            "no \"accumulators\": run with --shard or --accumulators to make mergeable results");
      }
      const std::string sha = string_at("scenario_sha256");
      if (!m.contains("seed") || !m.at("seed").is_number_unsigned())
        throw AccumulatorError("/meta/seed", "expected a whole number from 0 to 2^64 - 1");
      const auto seed = m.at("seed").get<std::uint64_t>();
      // The --set list the shards ran with (results before it was recorded have none).
      std::vector<std::string> overrides;
      if (m.contains("overrides")) overrides = m.at("overrides").get<std::vector<std::string>>();
      if (!scenario) {
        scenario_file = o.scenario.empty() ? string_at("scenario") : o.scenario;
        scenario = load_or_report(scenario_file, overrides, std::cerr);
        if (!scenario) return kExitBadInput;
        if (scenario->content_sha256 != sha) {
          std::cerr << f << ": the scenario " << scenario_file
                    << " has changed since this result was made "
                    << "(sha256 differs); merge needs the same scenario\n";
          return kExitBadInput;
        }
        meta.scenario_file = scenario_file;
        meta.scenario_sha256 = sha;
        meta.overrides = overrides;
        meta.seed = seed;
        total.holders.resize(scenario->waterfall.holders.size());
      } else if (sha != meta.scenario_sha256 || seed != meta.seed) {
        std::cerr << f << ": a different scenario or seed than " << o.files.front()
                  << "; only shards of one run merge\n";
        return kExitBadInput;
      }
      // Each shard records the path count of the whole run; all must agree.
      const std::uint64_t whole = m.contains("total_paths") ? count_at("total_paths") : 0;
      if (whole != 0 && total_paths != 0 && whole != total_paths) {
        std::cerr << f << ": a shard of a run of " << whole << " paths, the others are of "
                  << total_paths << "; only shards of one run merge\n";
        return kExitBadInput;
      }
      if (whole != 0) total_paths = whole;
      const auto first = count_at("first_path");
      const auto paths = count_at("paths");
      // Both at most 2^53: the sum cannot wrap.
      if (first + paths > kMaxCount) throw AccumulatorError("/meta/paths", "paths beyond 2^53");
      if (whole != 0 && first + paths > whole) {
        throw AccumulatorError("/meta/paths", "paths " + std::to_string(first) + "-" +
                                                  std::to_string(first + paths - 1) +
                                                  " lie outside the run of " +
                                                  std::to_string(whole));
      }
      for (const auto& [a, b] : ranges) {
        if (first < b && a < first + paths) {
          std::cerr << f << ": paths " << first << "-" << first + paths - 1
                    << " overlap another file's\n";
          return kExitBadInput;
        }
      }
      ranges.emplace_back(first, first + paths);
      RunStats part = RunStats::from_json(j.at("accumulators"), scenario->waterfall.holders.size());
      if (part.paths != paths) {
        throw AccumulatorError("/accumulators/paths", "counts " + std::to_string(part.paths) +
                                                          " paths, /meta/paths " +
                                                          std::to_string(paths));
      }
      // Mean payouts by conversion outcome: none, or "not converted" and one per outcome
      // of the scenario (the report names each by its outcome).
      {
        const std::size_t outcomes = scenario->projection && scenario->projection->conversion
                                         ? scenario->projection->conversion->outcomes.size()
                                         : 0;
        for (std::size_t h = 0; h < part.holders.size(); ++h) {
          const std::size_t n = part.holders[h].by_outcome.size();
          if (n != 0 && n != outcomes + 1) {
            throw AccumulatorError("/accumulators/holders/" + std::to_string(h) + "/by_outcome",
                                   std::to_string(n) + " entries, the scenario's conversion has " +
                                       std::to_string(outcomes) + " outcomes (expected " +
                                       std::to_string(outcomes + 1) + " or none)");
          }
        }
      }
      if (ranges.size() == 1) {
        total.groups = part.groups;
      } else if (part.groups != total.groups) {
        std::cerr << f << ": computed " << to_string(part.groups) << ", " << o.files.front()
                  << " computed " << to_string(total.groups)
                  << "; only shards of one run merge (same --compute)\n";
        return kExitBadInput;
      }
      total.merge(part);
      const auto threads = count_at("threads");
      if (threads > kMaxThreads) throw AccumulatorError("/meta/threads", "more than 65536 threads");
      meta.threads = std::max(meta.threads, static_cast<unsigned>(threads));
    } catch (const AccumulatorError& e) {
      return tampered(e.pointer(), e.problem());
    } catch (const std::exception& e) {
      std::cerr << f << ": not a mergeable capflow result: " << e.what() << "\n";
      return kExitBadInput;
    }
  }
  std::sort(ranges.begin(), ranges.end());
  if (total_paths != 0 && (ranges.front().first != 0 || ranges.back().second != total_paths)) {
    std::cerr << "capflow merge: the shards cover paths " << ranges.front().first << "-"
              << ranges.back().second - 1 << " of a run of " << total_paths
              << " paths; merge every shard of the run\n";
    return kExitBadInput;
  }
  meta.first_path = ranges.front().first;
  meta.paths = total.paths;
  for (std::size_t i = 1; i < ranges.size(); ++i) {
    if (ranges[i].first != ranges[i - 1].second) {
      std::cerr << "capflow merge: paths " << ranges[i - 1].second << "-" << ranges[i].first - 1
                << " are missing; merge every shard of the run\n";
      return kExitBadInput;
    }
  }
  meta.include_accumulators = o.accumulators;
  std::string text = render_run(*scenario, meta, total, o.output.format);
  if (auto err = emit(text, o.output.output_path)) {
    std::cerr << "capflow merge: " << *err << "\n";
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace

Command setup_merge(CLI::App& parent) {
  auto opts = std::make_shared<Options>();
  CLI::App* app = parent.add_subcommand(
      "merge",
      "Merge the shard results of one run (capflow run --shard K/N) into the whole run's result,\n"
      "exactly: the output equals an unsharded run with the same seed and paths.\n"
      "Example:\n"
      "  capflow merge part0.json part1.json --format json -o result.json");
  app->add_option("files", opts->files, "Result files (JSON, from capflow run --shard)")
      ->required();
  app->add_option("--scenario", opts->scenario,
                  "Scenario file, if not at the path recorded in the results");
  app->add_flag("--accumulators", opts->accumulators,
                "Keep the exact accumulators in the JSON output");
  add_output_options(*app, opts->output);
  return {app, [opts] { return run(*opts); }};
}

}  // namespace capflow::cli
