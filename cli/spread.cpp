#include "spread.hpp"

#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>
#include <string>

#include "job.hpp"

namespace capflow::cli {

using ojson = nlohmann::ordered_json;

std::vector<PointResult> run_points_spread(std::size_t n, const PointEvaluation& point,
                                           std::ostream& err) {
  if (job::size() == 1) return run_points_in_order(n, point, err);
  const auto ranks = static_cast<std::size_t>(job::size());
  // Each point as {point, ok, result, messages}; an ordered_json keeps the metrics' bits
  // (doubles print to the shortest text that reads back to the same value).
  ojson mine = ojson::array();
  for (auto i = static_cast<std::size_t>(job::rank()); i < n; i += ranks) {
    std::ostringstream messages;
    auto r = point(i, messages);
    ojson p = {{"point", i}, {"ok", r.has_value()}, {"messages", messages.str()}};
    if (r) p["result"] = {{"sha256", r->scenario_sha256}, {"values", r->values}};
    mine.push_back(std::move(p));
    if (!r) break;
  }
  // A message naming a file whose name is not UTF-8 must not end the job: such bytes
  // become U+FFFD on the way.
  const auto parts = job::gather(mine.dump(-1, ' ', false, ojson::error_handler_t::replace));
  // Rank 0 puts the points back in order, up to the first failure, for every rank.
  std::string ordered;
  if (job::is_root()) {
    std::vector<ojson> by_point(n);
    for (const auto& part : parts) {
      for (auto& p : ojson::parse(part)) {
        const auto i = p.at("point").get<std::size_t>();
        by_point[i] = std::move(p);
      }
    }
    ojson out = ojson::array();
    for (auto& p : by_point) {
      // A point no rank reached lies after a failure.
      if (p.is_null()) break;
      const bool ok = p.at("ok").get<bool>();
      out.push_back(std::move(p));
      if (!ok) break;
    }
    ordered = out.dump(-1, ' ', false, ojson::error_handler_t::replace);
  }
  std::vector<PointResult> results;
  for (const auto& p : ojson::parse(job::broadcast(ordered))) {
    err << p.at("messages").get<std::string>();
    if (!p.at("ok").get<bool>()) break;
    PointResult r;
    r.scenario_sha256 = p.at("result").at("sha256").get<std::string>();
    for (const auto& v : p.at("result").at("values")) r.values.push_back(v);
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace capflow::cli
