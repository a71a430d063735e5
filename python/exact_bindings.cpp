// The exact answers: waterfall allocations, breakpoints, solved profits, the projection.
// Each returns the document the CLI writes with --format json, as JSON text.

#include <pybind11/stl.h>

#include <string_view>

#include "bindings.hpp"
#include "capflow/documents/projection_document.hpp"
#include "capflow/documents/waterfall_document.hpp"
#include "capflow/io/json_reader.hpp"
#include "capflow/io/number.hpp"

namespace capflow::python {
namespace {

// An amount of money as the CLI reads it ("500B", "1.5e9", "1,000,000.25"), >= 0.
Money amount(const std::string& text, const char* what) {
  auto v = parse_money(text);
  if (!v) throw py::value_error(std::string(what) + ": " + v.error());
  if (v.value() < 0) {
    throw py::value_error(std::string(what) + " \"" + text + "\" must be >= 0");
  }
  return v.value();
}

HolderIndex holder_index(const Scenario& s, const std::string& id) {
  if (auto h = s.waterfall.find(id)) return *h;
  std::vector<std::string_view> ids;
  for (const auto& h : s.waterfall.holders) ids.push_back(h.id);
  std::string msg = "no holder \"" + id + "\" in " + s.file;
  const std::string best = closest_match(id, ids);
  if (!best.empty()) {
    msg += "; did you mean \"" + best + "\"?";
  } else {
    msg += "; holders are:";
    for (auto v : ids) msg += " " + std::string(v);
  }
  throw py::key_error(msg);
}

std::string waterfall_json(const PyScenario& ps, const std::vector<std::string>& profits) {
  const Scenario& s = ps.scenario;
  std::vector<Money> amounts;
  for (const auto& p : profits) amounts.push_back(amount(p, "profit"));
  const auto terms = WaterfallTerms<Rational>::from(s.waterfall);
  std::vector<Allocation> allocations;
  for (const Money& p : amounts) allocations.push_back(allocate(terms, p));
  return waterfall_document(s, allocations, std::nullopt, {}).dump();
}

std::string breakpoints_json(const PyScenario& ps) {
  const Scenario& s = ps.scenario;
  const auto terms = WaterfallTerms<Rational>::from(s.waterfall);
  return waterfall_document(s, {}, breakpoints(terms), {}).dump();
}

std::string solve_json(const PyScenario& ps,
                       const std::vector<std::pair<std::string, std::string>>& requests) {
  const Scenario& s = ps.scenario;
  std::vector<std::pair<HolderIndex, Money>> parsed;
  for (const auto& [holder, text] : requests)
    parsed.emplace_back(holder_index(s, holder), amount(text, "amount"));
  const auto terms = WaterfallTerms<Rational>::from(s.waterfall);
  const BreakpointTable table = breakpoints(terms);
  std::vector<Solved> solved;
  for (const auto& [h, a] : parsed) solved.push_back(solve(terms, table, h, a));
  return waterfall_document(s, {}, std::nullopt, solved).dump();
}

std::string project_json(const PyScenario& ps) {
  const Scenario& s = ps.scenario;
  if (!s.projection) {
    raise_scenario_error(s.file,
                         "no \"projection\" section: project needs the years, revenue and costs "
                         "(see docs/scenario-format.md)");
  }
  const auto terms = ProjectionTerms<Rational>::from(*s.projection, s.waterfall);
  const auto result = project(terms, terms.base_inputs(*s.projection, s.waterfall));
  return projection_document(s, result, holder_outcomes(s, result)).dump();
}

}  // namespace

void bind_exact(py::module_& m) {
  m.def("_waterfall", &waterfall_json, py::arg("scenario"), py::arg("profits"));
  m.def("_breakpoints", &breakpoints_json, py::arg("scenario"));
  m.def("_solve", &solve_json, py::arg("scenario"), py::arg("requests"));
  m.def("_project", &project_json, py::arg("scenario"));
}

}  // namespace capflow::python
