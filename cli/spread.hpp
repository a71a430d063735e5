#pragma once
// The points of a sweep or tornado spread over the ranks of an MPI job (job.hpp).

#include <cstddef>
#include <iosfwd>
#include <vector>

#include "capflow/whatif/explore.hpp"

namespace capflow::cli {

// run_points_in_order (whatif/explore.hpp) over the ranks: point i on rank i mod size,
// each rank stopping at its own first failure. Every rank then holds what one process
// would have: the results up to the first failing point, and that point's messages
// (and those of the points before it) written to err. Collective: every rank calls it.
std::vector<PointResult> run_points_spread(std::size_t n, const PointEvaluation& point,
                                           std::ostream& err);

}  // namespace capflow::cli
