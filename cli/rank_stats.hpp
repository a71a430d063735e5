#pragma once
// capflow run over the ranks of an MPI job (job.hpp): each rank simulates the slice of
// the paths that --shard would give it, and rank 0 merges the exact accumulators.

#include <cstdint>
#include <utility>

#include "capflow/montecarlo/monte_carlo.hpp"

namespace capflow::cli {

// This rank's part of paths [begin, end): shard rank() of size().
std::pair<std::uint64_t, std::uint64_t> rank_range(std::uint64_t begin, std::uint64_t end);

// Runs this rank's part of the request's paths. Returns at rank 0 the statistics of all
// of them, merged exactly (the same bits as one process running the whole request),
// elsewhere this rank's own. Collective: every rank calls it with the same request.
// With CAPFLOW_MPI_TIMING set, rank 0 prints each rank's simulation time and the cost of
// the reduction on stderr (bench/mpi-scaling).
RunStats run_on_ranks(const MonteCarlo& mc, const RunRequest& whole);

// run_on_ranks, with rank 0's merged statistics then sent to every rank: for a command
// whose every rank goes on computing from the whole run's statistics (the report).
RunStats run_on_ranks_everywhere(const MonteCarlo& mc, const RunRequest& whole);

}  // namespace capflow::cli
