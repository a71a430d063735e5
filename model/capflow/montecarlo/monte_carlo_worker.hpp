#pragma once
// One thread's state in a Monte Carlo run (internal to monte_carlo*.cpp): the engines,
// one path's inputs, scratch for the draws, and the statistics it accumulates. Paths
// run one at a time (the general or the lean year step) or kWidth at a time (the
// batch kernel, batch_path.hpp) when the scenario allows it.

#include <cstdint>
#include <optional>
#include <vector>

#include "capflow/montecarlo/batch_path.hpp"
#include "capflow/montecarlo/lean_path.hpp"
#include "capflow/montecarlo/monte_carlo.hpp"
#include "capflow/projection/projection_engine.hpp"

namespace capflow {

struct MonteCarlo::Worker {
  explicit Worker(const MonteCarlo& mc)
      : engine(mc.terms_), inputs(mc.base_), stats(), z(), y(), shock(mc.processes_.size(), 0.0) {
    stats.holders.resize(mc.terms_.holders);
    flows.assign(mc.terms_.holders * static_cast<std::size_t>(mc.irr_span_), 0.0);
    irr.resize(mc.terms_.holders);
    if (mc.lean_) lean.emplace(mc.terms_);
    if (mc.batch_) {
      batch.emplace(mc.terms_);
      lane_base.emplace(mc.base_);
      lane_inputs.emplace(mc.base_);
      lane_shock.assign(mc.processes_.size(), lanes::Real{});
      lane_flows.assign(flows.size(), lanes::Real{});
      lane_irr.resize(mc.terms_.holders * lanes::kWidth);
    }
  }
  const PathSummary<double>& summary() const { return lean ? lean->summary() : engine.summary(); }
  ProjectionEngine<double> engine;
  std::optional<LeanPath> lean;
  PathInputs<double> inputs;
  RunStats stats;
  std::vector<double> z, y;                // scratch for correlated normals
  std::vector<double> normals;             // per process × year: standard normal shocks
  std::vector<double> shock;               // per process: last year's shock (mean reversion)
  std::vector<double> flows;               // per holder × year offset: net cash flows for IRR
  std::vector<std::optional<double>> irr;  // per holder: the path's IRR

  // The batch kernel: kWidth paths per run, their inputs lane-major.
  std::optional<BatchPath> batch;
  std::optional<LaneInputs> lane_base;      // the scenario's own values in every lane
  std::optional<LaneInputs> lane_inputs;    // this batch's draws
  lanes::RealVector lane_normals;           // per process × year
  std::vector<double> lane_tail_p;          // scratch of the normal quantiles: tail draws,
  std::vector<std::uint32_t> lane_tail_at;  // and where each came from
  lanes::RealVector lane_z, lane_y, lane_shock;
  lanes::RealVector lane_flows;                 // as `flows`, every lane
  std::vector<std::optional<double>> lane_irr;  // per lane × holder
};

}  // namespace capflow
