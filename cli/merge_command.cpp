// capflow merge RESULT.json...
// Combines the shards of one run into the result of the whole run.

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

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
    nlohmann::json j;
    try {
      try {
        j = nlohmann::json::parse(text.value());
      } catch (const nlohmann::json::parse_error& e) {
        std::cerr << json_error_message(f, text.value(), e) << "\n";
        return kExitBadInput;
      }
      const auto& m = j.at("meta");
      if (m.at("schema").get<std::string>() != kResultSchema)
        throw std::invalid_argument("not a capflow run result");
      if (!j.contains("accumulators")) {
        throw std::invalid_argument(
            "no \"accumulators\": run with --shard or --accumulators to make mergeable results");
      }
      const std::string sha = m.at("scenario_sha256").get<std::string>();
      const auto seed = m.at("seed").get<std::uint64_t>();
      if (!scenario) {
        scenario_file = o.scenario.empty() ? m.at("scenario").get<std::string>() : o.scenario;
        scenario = load_or_report(scenario_file, {}, std::cerr);
        if (!scenario) return kExitBadInput;
        if (scenario->content_sha256 != sha) {
          std::cerr << f << ": the scenario " << scenario_file
                    << " has changed since this result was made "
                    << "(sha256 differs); merge needs the same scenario\n";
          return kExitBadInput;
        }
        meta.scenario_file = scenario_file;
        meta.scenario_sha256 = sha;
        meta.seed = seed;
        total.holders.resize(scenario->waterfall.holders.size());
      } else if (sha != meta.scenario_sha256 || seed != meta.seed) {
        std::cerr << f << ": a different scenario or seed than " << o.files.front()
                  << "; only shards of one run merge\n";
        return kExitBadInput;
      }
      // Each shard records the path count of the whole run; all must agree.
      const std::uint64_t whole =
          m.contains("total_paths") ? m.at("total_paths").get<std::uint64_t>() : 0;
      if (whole != 0 && total_paths != 0 && whole != total_paths) {
        std::cerr << f << ": a shard of a run of " << whole << " paths, the others are of "
                  << total_paths << "; only shards of one run merge\n";
        return kExitBadInput;
      }
      if (whole != 0) total_paths = whole;
      const auto first = m.at("first_path").get<std::uint64_t>();
      const auto paths = m.at("paths").get<std::uint64_t>();
      for (const auto& [a, b] : ranges) {
        if (first < b && a < first + paths) {
          std::cerr << f << ": paths " << first << "-" << first + paths - 1
                    << " overlap another file's\n";
          return kExitBadInput;
        }
      }
      ranges.emplace_back(first, first + paths);
      RunStats part = RunStats::from_json(j.at("accumulators"), scenario->waterfall.holders.size());
      if (ranges.size() == 1) {
        total.groups = part.groups;
      } else if (part.groups != total.groups) {
        std::cerr << f << ": computed " << to_string(part.groups) << ", " << o.files.front()
                  << " computed " << to_string(total.groups)
                  << "; only shards of one run merge (same --compute)\n";
        return kExitBadInput;
      }
      total.merge(part);
      meta.threads = std::max(meta.threads, m.at("threads").get<unsigned>());
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
