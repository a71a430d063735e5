#pragma once
// What the files of the Python module share: the scenario as Python holds it, and the
// translation of the library's bad-input answers into Python exceptions.
//
// The module is a front end like cli/: it parses its own arguments, calls the library
// and returns the library's documents as JSON text, which capflow/__init__.py turns into
// Python objects (json.loads keeps every double's bits; money strings become Decimals).

#include <pybind11/pybind11.h>

#include <string>
#include <vector>

#include "capflow/terms/scenario.hpp"

namespace capflow::python {

namespace py = pybind11;

// A loaded scenario and what reloads it: sweeps, tornados and reports evaluate a point
// by loading the file again with the overrides plus the point's own.
struct PyScenario {
  Scenario scenario;
  std::vector<std::string> sets;  // the overrides, as --set PATH=VALUE text
  bool from_text = false;         // loaded from a string: there is no file to reload
};

// The problems of a bad input: a list of (file, line, column, pointer, message), raised
// as capflow.ScenarioError by the Python layer.
[[noreturn]] void raise_scenario_error(const Diagnostics& diagnostics);
// One problem with no location (an input the engine rejects): file and message only.
[[noreturn]] void raise_scenario_error(const std::string& file, const std::string& message);
// Problems written to a stream by the library ("file:line:col: /pointer: message" lines).
[[noreturn]] void raise_scenario_error_text(const std::string& text);

// A scenario that can be reloaded from its file (for evaluations that vary it).
const PyScenario& require_file(const PyScenario& s, const char* what);

void bind_scenario(py::module_& m);
void bind_exact(py::module_& m);
void bind_run(py::module_& m);
void bind_whatif(py::module_& m);

}  // namespace capflow::python
