// The extension module capflow._capflow; the public API is capflow/__init__.py.

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <sstream>

#include "bindings.hpp"
#include "capflow/terms/scenario_input.hpp"
#include "capflow/version.hpp"

namespace capflow::python {
namespace {

py::object scenario_error_type() {
  return py::module_::import("capflow").attr("ScenarioError");
}

py::tuple problem(const Diagnostic& d) {
  return py::make_tuple(d.file, d.pos.line, d.pos.column, d.pointer, d.message, to_string(d));
}

PyScenario load(const std::string& source, bool is_text, const std::string& name,
                const std::vector<std::string>& sets) {
  std::vector<Override> overrides;
  Diagnostics bad;
  for (const auto& s : sets) {
    if (auto o = parse_override(s)) {
      overrides.push_back(*o);
    } else {
      bad.push_back({name, {}, "", "override " + s + ": expected PATH=VALUE"});
    }
  }
  if (!bad.empty()) raise_scenario_error(bad);
  LoadResult loaded =
      is_text ? load_scenario_text(source, name, overrides) : load_scenario(source, overrides);
  if (!loaded.scenario) raise_scenario_error(loaded.diagnostics);
  return PyScenario{std::move(*loaded.scenario), sets, is_text};
}

}  // namespace

void raise_scenario_error(const Diagnostics& diagnostics) {
  py::list problems;
  for (const auto& d : diagnostics) problems.append(problem(d));
  PyErr_SetObject(scenario_error_type().ptr(), problems.ptr());
  throw py::error_already_set();
}

void raise_scenario_error(const std::string& file, const std::string& message) {
  raise_scenario_error(Diagnostics{{file, {}, "", message}});
}

void raise_scenario_error_text(const std::string& text) {
  Diagnostics ds;
  std::istringstream in(text);
  std::string line;
  // The lines are already "file:line:col: /pointer: message": kept whole as the message.
  while (std::getline(in, line)) {
    if (!line.empty()) ds.push_back({"", {}, "", line});
  }
  raise_scenario_error(ds);
}

const PyScenario& require_file(const PyScenario& s, const char* what) {
  if (s.from_text) {
    throw py::value_error(std::string(what) +
                          " loads the scenario again for every point it evaluates: load it "
                          "from a file, not from a string");
  }
  return s;
}

void bind_scenario(py::module_& m) {
  py::class_<PyScenario>(m, "Scenario")
      .def_property_readonly("file", [](const PyScenario& s) { return s.scenario.file; })
      .def_property_readonly("title", [](const PyScenario& s) { return s.scenario.title; })
      .def_property_readonly("description",
                             [](const PyScenario& s) { return s.scenario.description; })
      .def_property_readonly("sha256",
                             [](const PyScenario& s) { return s.scenario.content_sha256; })
      .def_property_readonly("overrides", [](const PyScenario& s) { return s.sets; })
      .def_property_readonly("from_text", [](const PyScenario& s) { return s.from_text; })
      .def_property_readonly("has_projection",
                             [](const PyScenario& s) { return s.scenario.projection.has_value(); })
      .def_property_readonly("has_uncertainty",
                             [](const PyScenario& s) { return s.scenario.uncertainty.has_value(); })
      .def_property_readonly("holders",
                             [](const PyScenario& s) {
                               std::vector<std::pair<std::string, std::string>> out;
                               for (const auto& h : s.scenario.waterfall.holders)
                                 out.emplace_back(h.id, h.name);
                               return out;
                             })
      .def("document_json", [](const PyScenario& s) { return dump(s.scenario.document); });
  m.def("_load", &load, py::arg("source"), py::arg("is_text"), py::arg("name"), py::arg("sets"));
}

}  // namespace capflow::python

PYBIND11_MODULE(_capflow, m) {
  m.doc() = "capflow's library, for capflow/__init__.py (use that module, not this one)";
  m.attr("__version__") = capflow::kVersion;
  capflow::python::bind_scenario(m);
  capflow::python::bind_exact(m);
  capflow::python::bind_run(m);
  capflow::python::bind_whatif(m);
}
