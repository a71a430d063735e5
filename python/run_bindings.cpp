// capflow.run: the Monte Carlo run of the library (documents/run_job), on a thread of its
// own so that Python keeps running: the GIL is released while paths are simulated, and
// the calling thread wakes every `interval` seconds to report progress and to notice
// Ctrl-C (Python signal handlers run only when the main thread holds the GIL).

#include <pybind11/stl.h>

#include <chrono>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include "bindings.hpp"
#include "capflow/documents/run_job.hpp"

namespace capflow::python {
namespace {

// As the CLI's --paths: a run longer than this is a typo, not an analysis.
constexpr std::uint64_t kMaxPaths = 10'000'000'000ull;

struct Background {
  std::mutex mu;
  std::condition_variable cv;
  bool finished = false;
  RunOutcome outcome;
  std::exception_ptr error;
};

std::string run_json(const PyScenario& ps, std::uint64_t paths, std::uint64_t seed,
                     unsigned threads, const std::string& compute, double precision,
                     bool accumulators, const py::object& progress, double interval) {
  const Scenario& s = ps.scenario;
  if (paths < 1 || paths > kMaxPaths) {
    throw py::value_error("paths must be from 1 to " + std::to_string(kMaxPaths));
  }
  if (!(precision >= 0 && precision <= 1)) {
    throw py::value_error("precision must be a relative standard error above 0 and at most 1");
  }
  if (!(interval > 0)) throw py::value_error("progress_interval must be above 0");
  auto groups = MetricGroups::parse(compute);
  if (!groups) throw py::value_error("compute: " + groups.error());
  if (precision > 0 && !groups.value().has(MetricGroup::nominal) &&
      !groups.value().has(MetricGroup::pv)) {
    throw py::value_error(
        "precision watches the holders' mean payouts: compute needs nominal or pv with it");
  }
  if (!s.projection) {
    raise_scenario_error(s.file,
                         "no \"projection\" section: run simulates the year-by-year model (see "
                         "docs/scenario-format.md)");
  }
  std::unique_ptr<MonteCarlo> mc;
  try {
    mc = std::make_unique<MonteCarlo>(s);
  } catch (const MonteCarloInputError& e) {
    raise_scenario_error(s.file, e.what());
  }
  std::atomic<std::uint64_t> done{0};
  std::atomic<bool> cancel{false};
  RunJob job;
  job.paths = paths;
  job.seed = seed;
  job.threads = threads;
  job.precision = precision;
  job.groups = groups.value();
  job.accumulators = accumulators;
  job.progress = &done;
  job.cancel = &cancel;
  const std::uint64_t total = progress_total(job);

  auto bg = std::make_shared<Background>();
  std::thread worker([bg, &mc, &s, job] {
    RunOutcome outcome;
    std::exception_ptr error;
    try {
      outcome = run_job(*mc, s, job);
    } catch (...) {
      error = std::current_exception();
    }
    std::lock_guard<std::mutex> lock(bg->mu);
    bg->outcome = std::move(outcome);
    bg->error = error;
    bg->finished = true;
    bg->cv.notify_all();
  });
  // Stops the worker and waits for it without the GIL (it never takes the GIL itself).
  auto stop = [&] {
    cancel = true;
    py::gil_scoped_release release;
    worker.join();
  };
  const auto wait = std::chrono::duration<double>(interval);
  while (true) {
    bool finished = false;
    {
      py::gil_scoped_release release;
      std::unique_lock<std::mutex> lock(bg->mu);
      finished = bg->cv.wait_for(lock, wait, [&] { return bg->finished; });
    }
    if (finished) break;
    if (PyErr_CheckSignals() != 0) {
      stop();
      throw py::error_already_set();
    }
    if (!progress.is_none()) {
      try {
        progress(done.load(), total);
      } catch (...) {
        stop();
        throw;
      }
    }
  }
  {
    py::gil_scoped_release release;
    worker.join();
  }
  if (bg->error) std::rethrow_exception(bg->error);
  if (!progress.is_none()) progress(done.load(), total);
  RunMeta meta = bg->outcome.meta;
  return run_document(s, meta, bg->outcome.stats).dump();
}

}  // namespace

void bind_run(py::module_& m) {
  m.def("_run", &run_json, py::arg("scenario"), py::arg("paths"), py::arg("seed"),
        py::arg("threads"), py::arg("compute"), py::arg("precision"), py::arg("accumulators"),
        py::arg("progress"), py::arg("interval"));
}

}  // namespace capflow::python
