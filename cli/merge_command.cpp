// capflow merge RESULT.json...
// Combines the shards of one run into the result of the whole run.

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "capflow/documents/shard.hpp"
#include "capflow/montecarlo/monte_carlo.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "result_file.hpp"
#include "run_result.hpp"
#include "scenario_input.hpp"

namespace capflow::cli {
namespace {

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
      const ShardHeader h = read_shard_header(j);
      if (!scenario) {
        scenario_file = o.scenario.empty() ? h.scenario_file : o.scenario;
        scenario = load_command_scenario(scenario_file, h.overrides);
        if (!scenario) return kExitBadInput;
        if (scenario->content_sha256 != h.scenario_sha256) {
          std::cerr << f << ": the scenario " << scenario_file
                    << " has changed since this result was made "
                    << "(sha256 differs); merge needs the same scenario\n";
          return kExitBadInput;
        }
        meta.scenario_file = scenario_file;
        meta.scenario_sha256 = h.scenario_sha256;
        meta.overrides = h.overrides;
        meta.seed = h.seed;
        total.holders.resize(scenario->waterfall.holders.size());
      } else if (h.scenario_sha256 != meta.scenario_sha256 || h.seed != meta.seed) {
        std::cerr << f << ": a different scenario or seed than " << o.files.front()
                  << "; only shards of one run merge\n";
        return kExitBadInput;
      }
      // Each shard records the path count of the whole run; all must agree.
      if (h.total_paths != 0 && total_paths != 0 && h.total_paths != total_paths) {
        std::cerr << f << ": a shard of a run of " << h.total_paths << " paths, the others are of "
                  << total_paths << "; only shards of one run merge\n";
        return kExitBadInput;
      }
      if (h.total_paths != 0) total_paths = h.total_paths;
      for (const auto& [a, b] : ranges) {
        if (h.first_path < b && a < h.first_path + h.paths) {
          std::cerr << f << ": paths " << h.first_path << "-" << h.first_path + h.paths - 1
                    << " overlap another file's\n";
          return kExitBadInput;
        }
      }
      ranges.emplace_back(h.first_path, h.first_path + h.paths);
      RunStats part = read_shard_stats(j, h, *scenario);
      if (ranges.size() == 1) {
        total.groups = part.groups;
      } else if (part.groups != total.groups) {
        std::cerr << f << ": computed " << to_string(part.groups) << ", " << o.files.front()
                  << " computed " << to_string(total.groups)
                  << "; only shards of one run merge (same --compute)\n";
        return kExitBadInput;
      }
      total.merge(part);
      meta.threads = std::max(meta.threads, h.threads);
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
