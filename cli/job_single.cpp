// The job interface of a build without MPI: always one rank.

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "job.hpp"

namespace capflow::cli::job {

std::optional<std::string> start(int&, char**&, bool requested) {
  if (requested || launched_by_mpi()) {
    // Each rank would run the whole job and write the whole output: refuse instead.
    return std::string(
        "this capflow was built without MPI, so it cannot run as ranks of an MPI job; "
        "install libopenmpi-dev and rebuild, or split the run with --shard K/N and "
        "capflow merge (docs/scale-out.md)");
  }
  return std::nullopt;
}

int rank() {
  return 0;
}
int size() {
  return 1;
}
bool under_mpi() {
  return false;
}
unsigned default_threads() {
  return std::max(1u, std::thread::hardware_concurrency());
}
std::vector<std::string> gather(const std::string& mine) {
  return {mine};
}
std::string broadcast(const std::string& from_root) {
  return from_root;
}
void abort(int code) {
  std::exit(code);
}
// One rank: there are no others to fail.
bool others_succeeded() {
  return true;
}
void end_after_others_failed() {
  std::abort();
}
int finish(int code, const std::string&) {
  return code;
}

}  // namespace capflow::cli::job
