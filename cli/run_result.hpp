#pragma once
// Rendering Monte Carlo results (capflow run, capflow merge): the result document of
// SPEC §3 (model/capflow/documents/run_document.hpp) and its table, csv and Markdown views.

#include <cstdint>
#include <string>

#include "capflow/documents/run_document.hpp"
#include "capflow/montecarlo/monte_carlo.hpp"
#include "capflow/terms/scenario.hpp"
#include "output.hpp"

namespace capflow::cli {

std::string render_run(const Scenario& s, const RunMeta& meta, const RunStats& stats,
                       Format format);

}  // namespace capflow::cli
