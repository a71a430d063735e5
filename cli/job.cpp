// What every build of the job interface shares: recognising a launcher, and the
// planted fault of the failure tests.

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "job.hpp"

namespace capflow::cli::job {

bool launched_by_mpi() {
  const auto set = [](const char* name) { return std::getenv(name) != nullptr; };
  if (set("OMPI_COMM_WORLD_SIZE") || set("PMI_SIZE") || set("PMIX_RANK")) return true;
  // Inside an sbatch script SLURM_PROCID is set too, but a job step of one task is a
  // plain start: only srun with several tasks makes ranks.
  const char* tasks = std::getenv("SLURM_NTASKS");
  return set("SLURM_PROCID") && tasks != nullptr && std::atoi(tasks) > 1 &&
         (set("SLURM_STEP_ID") || set("SLURM_STEPID"));
}

void test_fault(const char* where) {
  const char* r = std::getenv("CAPFLOW_TEST_FAIL_RANK");
  if (r != nullptr && std::atoi(r) == rank()) {
    throw std::runtime_error(std::string("planted fault (CAPFLOW_TEST_FAIL_RANK) in ") + where +
                             " on rank " + std::to_string(rank()));
  }
}

}  // namespace capflow::cli::job
