#include "capflow/whatif/sweep.hpp"

#include <ostream>

namespace capflow {

using ojson = nlohmann::ordered_json;

std::optional<Sweep> compute_sweep(const Scenario& base, const std::string& file,
                                   const std::vector<std::string>& sets,
                                   const std::vector<Vary>& varies,
                                   const std::vector<std::string>& metrics,
                                   const EvalSettings& settings, std::ostream& err,
                                   const PointRunner& runner) {
  if (needs_projection(settings) && !base.projection) {
    err << file << ": " << no_projection_message() << "\n";
    return std::nullopt;
  }
  for (const auto& v : varies) {
    if (auto problem = check_varied_value(base.document, v.path)) {
      err << "capflow sweep: --vary " << v.path << ": " << *problem << "\n";
      return std::nullopt;
    }
  }
  std::size_t points = 1;
  for (const auto& v : varies) {
    points *= static_cast<std::size_t>(v.steps);
    if (points > kMaxSweepPoints) {
      err << "capflow sweep: more than " << kMaxSweepPoints
          << " grid points; use fewer STEPS or fewer --vary\n";
      return std::nullopt;
    }
  }
  Sweep sweep;
  sweep.varies = varies;
  sweep.metrics = metrics.empty() ? default_metrics(base, settings) : metrics;
  // Row-major over the grid: the first --vary changes slowest.
  std::vector<std::vector<std::string>> extras;
  for (std::size_t i = 0; i < points; ++i) {
    std::vector<std::string> point(varies.size()), extra;
    std::size_t rest = i;
    for (std::size_t k = varies.size(); k-- > 0;) {
      const auto steps = static_cast<std::size_t>(varies[k].steps);
      point[k] = varies[k].value_text(static_cast<int>(rest % steps));
      rest /= steps;
    }
    for (std::size_t k = 0; k < varies.size(); ++k) {
      for (auto& e : overrides_for(base, varies[k].path, point[k], settings)) {
        extra.push_back(std::move(e));
      }
    }
    sweep.values.push_back(std::move(point));
    extras.push_back(std::move(extra));
  }
  const auto evaluate_point = [&](std::size_t i, std::ostream& out) {
    bool bad_metric = false;
    auto r = evaluate(file, sets, extras[i], sweep.metrics, settings, out, &bad_metric);
    if (!r && !bad_metric) {
      out << "capflow sweep: at grid point " << i + 1 << " of " << points << " (";
      for (std::size_t k = 0; k < extras[i].size(); ++k) out << (k ? ", " : "") << extras[i][k];
      out << ")\n";
    }
    return r;
  };
  sweep.results = runner(points, evaluate_point, err);
  if (sweep.results.size() < points) return std::nullopt;
  return sweep;
}

ojson sweep_document(const std::string& file, const Scenario& base, const EvalSettings& settings,
                     const Sweep& sweep) {
  ojson out = result_header("capflow/sweep/v1", file, base, settings);
  ojson vj = ojson::array();
  for (const auto& v : sweep.varies) {
    vj.push_back({{"path", v.path}, {"lo", v.lo_text}, {"hi", v.hi_text}, {"steps", v.steps}});
  }
  out["vary"] = vj;
  out["metrics"] = sweep.metrics;
  ojson pj = ojson::array();
  for (std::size_t i = 0; i < sweep.values.size(); ++i) {
    ojson p;
    ojson set = ojson::object();
    for (std::size_t k = 0; k < sweep.varies.size(); ++k)
      set[sweep.varies[k].path] = sweep.values[i][k];
    p["set"] = set;
    p["scenario_sha256"] = sweep.results[i].scenario_sha256;
    ojson m = ojson::object();
    for (std::size_t k = 0; k < sweep.metrics.size(); ++k)
      m[sweep.metrics[k]] = sweep.results[i].values[k];
    p["metrics"] = m;
    pj.push_back(p);
  }
  out["points"] = pj;
  return out;
}

}  // namespace capflow
