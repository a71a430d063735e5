// Templates filled from result documents, sweeps and tornados (whatif/), and the report
// (content from capflow_report). Sweeps, tornados and reports reload the scenario's file
// for every point, so they need a scenario loaded from a file.

#include <pybind11/stl.h>

#include <map>
#include <optional>
#include <sstream>
#include <thread>

#include "bindings.hpp"
#include "capflow/io/number.hpp"
#include "capflow/whatif/diff.hpp"
#include "capflow/whatif/result_diff.hpp"
#include "capflow/whatif/sweep.hpp"
#include "capflow/whatif/template.hpp"
#include "capflow/whatif/tornado.hpp"
#include "capflow_report/content.hpp"
#include "capflow_report/tornado_chart.hpp"

namespace capflow::python {
namespace {

using ojson = nlohmann::ordered_json;

std::string render(const std::string& text, const std::string& name,
                   const std::optional<std::string>& unnamed,
                   const std::map<std::string, std::string>& named) {
  // Parsed here from the JSON text the Python layer wrote of each document.
  std::optional<ojson> default_doc;
  std::map<std::string, ojson> docs;
  TemplateSources sources;
  if (unnamed) {
    default_doc = ojson::parse(*unnamed);
    sources.unnamed = &*default_doc;
  }
  for (const auto& [k, v] : named) docs.emplace(k, ojson::parse(v));
  for (const auto& [k, v] : docs) sources.named[k] = &v;
  RenderOutcome out = render_template(text, name, sources);
  if (!out.diagnostics.empty()) raise_scenario_error(out.diagnostics);
  return out.text;
}

// The evaluation settings of a sweep or tornado, as the CLI's --deterministic, --profit,
// --paths, --seed and --threads give them.
EvalSettings settings_of(bool deterministic, const std::optional<std::string>& profit,
                         std::uint64_t paths, std::uint64_t seed, unsigned threads) {
  EvalSettings s;
  s.seed = seed;
  s.paths = paths;
  if (paths < 1 || paths > 100000000) throw py::value_error("paths must be from 1 to 1e8");
  s.threads = threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
  s.mode = deterministic ? EvalMode::deterministic : EvalMode::monte_carlo;
  if (profit) {
    if (deterministic) {
      throw py::value_error(
          "profit and deterministic cannot be combined (profit evaluates the waterfall alone, "
          "deterministic the projection)");
    }
    auto p = parse_money(*profit);
    if (!p) throw py::value_error("profit: " + p.error());
    if (p.value() < 0) throw py::value_error("profit must be >= 0");
    s.mode = EvalMode::waterfall;
    s.profit = p.value();
  }
  return s;
}

std::vector<Vary> varies_of(const std::vector<std::string>& texts, bool with_steps,
                            const char* command) {
  std::ostringstream err;
  auto v = parse_varies(texts, with_steps, command, err);
  if (!v) throw py::value_error(err.str().substr(0, err.str().find_last_not_of('\n') + 1));
  return std::move(*v);
}

std::string sweep_json(const PyScenario& ps, const std::vector<std::string>& vary,
                       const std::vector<std::string>& metrics, bool deterministic,
                       const std::optional<std::string>& profit, std::uint64_t paths,
                       std::uint64_t seed, unsigned threads) {
  const PyScenario& s = require_file(ps, "sweep");
  const std::vector<Vary> varies = varies_of(vary, true, "sweep");
  const EvalSettings settings = settings_of(deterministic, profit, paths, seed, threads);
  std::ostringstream err;
  std::optional<Sweep> sweep;
  {
    py::gil_scoped_release release;
    sweep = compute_sweep(s.scenario, s.scenario.file, s.sets, varies, metrics, settings, err);
  }
  if (!sweep) raise_scenario_error_text(err.str());
  return sweep_document(s.scenario.file, s.scenario, settings, *sweep).dump();
}

struct PyTornado {
  Tornado tornado;
  std::string document;  // JSON text
};

PyTornado tornado(const PyScenario& ps, const std::vector<std::string>& vary,
                  const std::string& metric, bool deterministic,
                  const std::optional<std::string>& profit, std::uint64_t paths, std::uint64_t seed,
                  unsigned threads) {
  const PyScenario& s = require_file(ps, "tornado");
  const std::vector<Vary> varies = varies_of(vary, false, "tornado");
  const EvalSettings settings = settings_of(deterministic, profit, paths, seed, threads);
  std::ostringstream err;
  std::string note;
  std::optional<Tornado> t;
  {
    py::gil_scoped_release release;
    t = tornado_for(s.scenario, s.scenario.file, s.sets, varies, metric, settings, err, note);
  }
  if (!t) raise_scenario_error_text(err.str());
  std::string doc = tornado_document(s.scenario.file, s.scenario, settings, note, *t).dump();
  return PyTornado{std::move(*t), std::move(doc)};
}

Tolerance tolerance_of(const std::string& text) {
  auto t = Tolerance::parse(text);
  if (!t) throw py::value_error("tolerance \"" + text + "\": " + t.error());
  return t.value();
}

std::string diff_scenarios_json(const PyScenario& pa, const PyScenario& pb, bool deterministic,
                                const std::vector<std::string>& profits, std::uint64_t paths,
                                std::uint64_t seed, unsigned threads,
                                const std::string& tolerance) {
  const PyScenario& a = require_file(pa, "diff");
  const PyScenario& b = require_file(pb, "diff");
  const Tolerance tol = tolerance_of(tolerance);
  ScenarioDiffRequest req;
  req.a = a.scenario.file;
  req.b = b.scenario.file;
  req.sets_a = a.sets;
  req.sets_b = b.sets;
  req.deterministic = deterministic;
  for (const auto& p : profits) {
    auto v = parse_money(p);
    if (!v) throw py::value_error("profit: " + v.error());
    if (v.value() < 0) throw py::value_error("profit \"" + p + "\" must be >= 0");
    req.profits.push_back(v.value());
  }
  req.paths = paths;
  req.seed = seed;
  req.threads = threads;
  DiffReport report;
  report.file_a = req.a;
  report.file_b = req.b;
  report.kind_a = report.kind_b = "scenario";
  report.tolerance = tolerance;
  std::ostringstream err;
  bool ok = false;
  {
    py::gil_scoped_release release;
    ok = diff_scenarios(req, report, err);
  }
  if (!ok) raise_scenario_error_text(err.str());
  apply_tolerance(report, tol);
  return diff_document(report).dump();
}

std::string diff_outputs_json(const std::string& a, const std::string& b, const std::string& name_a,
                              const std::string& name_b, const std::string& tolerance) {
  const Tolerance tol = tolerance_of(tolerance);
  const ojson da = ojson::parse(a), db = ojson::parse(b);
  const OutputKind ka = output_kind(da), kb = output_kind(db);
  if (ka == OutputKind::unknown || kb == OutputKind::unknown) {
    throw py::value_error(
        "diff compares two outputs of capflow waterfall, project or run (or two scenarios); " +
        (ka == OutputKind::unknown ? name_a : name_b) + " is neither");
  }
  if (ka != kb) {
    throw py::value_error(name_a + " is " + output_kind_name(ka) + " but " + name_b + " is " +
                          output_kind_name(kb) +
                          ": diff compares two scenarios, or two outputs of the same command");
  }
  DiffReport report;
  report.file_a = name_a;
  report.file_b = name_b;
  report.tolerance = tolerance;
  diff_saved_outputs(da, db, report);
  apply_tolerance(report, tol);
  return diff_document(report).dump();
}

struct PyReport {
  Report report;
};

PyReport report(const PyScenario& ps, std::uint64_t paths, std::uint64_t tornado_paths,
                std::uint64_t seed, unsigned threads, const std::string& command) {
  const PyScenario& s = require_file(ps, "report");
  ReportSettings rs;
  rs.seed = seed;
  rs.paths = paths;
  rs.tornado_paths = tornado_paths;
  rs.threads = threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
  rs.command = command;
  std::ostringstream err;
  std::optional<Report> r;
  {
    py::gil_scoped_release release;
    r = build_report(s.scenario, s.sets, rs, err);
  }
  if (!r) raise_scenario_error_text(err.str());
  return PyReport{std::move(*r)};
}

}  // namespace

void bind_whatif(py::module_& m) {
  m.def("_render", &render, py::arg("text"), py::arg("name"), py::arg("unnamed"), py::arg("named"));
  py::class_<PyReport>(m, "_Report")
      .def_property_readonly("title", [](const PyReport& r) { return r.report.title; })
      .def("html", [](const PyReport& r) { return report_html(r.report); })
      .def(
          "markdown",
          [](const PyReport& r, const std::string& charts_dir) {
            return report_markdown(r.report, charts_dir);
          },
          py::arg("charts_dir"))
      .def_property_readonly("charts", [](const PyReport& r) {
        std::vector<std::pair<std::string, std::string>> out;
        for (const auto& c : r.report.charts) out.emplace_back(c.id, c.svg);
        return out;
      });
  m.def("_diff_scenarios", &diff_scenarios_json, py::arg("a"), py::arg("b"),
        py::arg("deterministic"), py::arg("profits"), py::arg("paths"), py::arg("seed"),
        py::arg("threads"), py::arg("tolerance"));
  m.def("_diff_outputs", &diff_outputs_json, py::arg("a"), py::arg("b"), py::arg("name_a"),
        py::arg("name_b"), py::arg("tolerance"));
  m.def("_sweep", &sweep_json, py::arg("scenario"), py::arg("vary"), py::arg("metrics"),
        py::arg("deterministic"), py::arg("profit"), py::arg("paths"), py::arg("seed"),
        py::arg("threads"));
  py::class_<PyTornado>(m, "_Tornado")
      .def_property_readonly("document", [](const PyTornado& t) { return t.document; })
      .def(
          "svg",
          [](const PyTornado& t, const std::string& title) {
            return tornado_svg(t.tornado, "tornado", title);
          },
          py::arg("title"));
  m.def("_tornado", &tornado, py::arg("scenario"), py::arg("vary"), py::arg("metric"),
        py::arg("deterministic"), py::arg("profit"), py::arg("paths"), py::arg("seed"),
        py::arg("threads"));
  m.def("_report", &report, py::arg("scenario"), py::arg("paths"), py::arg("tornado_paths"),
        py::arg("seed"), py::arg("threads"), py::arg("command"));
}

}  // namespace capflow::python
