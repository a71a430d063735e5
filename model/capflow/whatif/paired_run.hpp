#pragma once
// Two scenarios run on common random numbers (capflow diff): path i of A and path i of B
// see the same draws (MonteCarlo's draws depend only on seed, path index and input
// name), and each metric is accumulated per path for A, for B and for their paired
// difference B − A. The difference's standard error comes from the per-path differences,
// so the noise the two runs share cancels out of it.

#include <atomic>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "capflow/montecarlo/monte_carlo.hpp"
#include "capflow/terms/scenario.hpp"
#include "capflow/whatif/comparison.hpp"

namespace capflow {

struct PairedRequest {
  std::uint64_t seed = 42;
  std::uint64_t paths = 10000;
  unsigned threads = 1;
  std::atomic<std::uint64_t>* progress = nullptr;
  std::uint64_t first_path = 0;  // paths [first_path, first_path + paths)
  // For a front end that shares the paths among processes (the CLI under MPI): given
  // this process's exact accumulators (JSON), returns those of the others, to be merged
  // in (none for the processes that do not report). Empty: one process.
  std::function<std::vector<nlohmann::json>(const nlohmann::json&)> gather = nullptr;
};

// REQUIRES: both scenarios have a projection (MonteCarlo constructed from each).
// Holders are matched by id; only holders both scenarios have are compared.
// Returns, in order: per common holder nominal/mean, pv/mean, moic/mean (paths where the
// holder invested on both sides), p_cap (capped on either side), p_received_any; then
// the company's cumulative_loss/mean, peak_funding_need/mean, refund_owed/mean,
// p_deadline_missed, p_profitable (a profitable year in the horizon) and
// first_profit_year/mean (paths profitable on both sides). The result is the same bits
// for any thread count (exact, order-free accumulators).
std::vector<Comparison> run_paired(const Scenario& a, const MonteCarlo& mc_a, const Scenario& b,
                                   const MonteCarlo& mc_b, const PairedRequest& request);

}  // namespace capflow
