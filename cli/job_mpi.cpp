// The job interface over MPI (Open MPI, MPICH): ranks of MPI_COMM_WORLD. Only the
// main thread calls MPI (MPI_THREAD_FUNNELED); the path workers never do.

#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <thread>

#include "job.hpp"

namespace capflow::cli::job {
namespace {

bool active = false;
int my_rank = 0;
int ranks = 1;
int node_ranks = 1;
// finish() talks on its own communicator: a rank that ends early must never be matched
// with a collective the others are still in.
MPI_Comm end_comm = MPI_COMM_NULL;
constexpr auto kFailureGrace = std::chrono::seconds(5);

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(std::string("MPI: ") + what + " failed");
}

int as_int(std::size_t n) {
  if (n > static_cast<std::size_t>(INT_MAX)) {
    throw std::runtime_error("MPI: a rank's part exceeds 2 GiB");
  }
  return static_cast<int>(n);
}

std::vector<std::string> gather_on(MPI_Comm comm, const std::string& mine) {
  const int len = as_int(mine.size());
  std::vector<int> lens(my_rank == 0 ? static_cast<std::size_t>(ranks) : 0);
  check(MPI_Gather(&len, 1, MPI_INT, lens.data(), 1, MPI_INT, 0, comm), "gather");
  std::vector<int> displs(lens.size());
  std::size_t total = 0;
  for (std::size_t r = 0; r < lens.size(); ++r) {
    displs[r] = as_int(total);
    total += static_cast<std::size_t>(lens[r]);
  }
  std::string all(total, '\0');
  check(MPI_Gatherv(mine.data(), len, MPI_CHAR, all.data(), lens.data(), displs.data(), MPI_CHAR, 0,
                    comm),
        "gather");
  std::vector<std::string> out;
  for (std::size_t r = 0; r < lens.size(); ++r) {
    out.push_back(
        all.substr(static_cast<std::size_t>(displs[r]), static_cast<std::size_t>(lens[r])));
  }
  return out;
}

std::string broadcast_on(MPI_Comm comm, const std::string& from_root) {
  std::uint64_t len = from_root.size();
  check(MPI_Bcast(&len, 1, MPI_UINT64_T, 0, comm), "broadcast");
  std::string s = my_rank == 0 ? from_root : std::string(len, '\0');
  check(MPI_Bcast(s.data(), as_int(s.size()), MPI_CHAR, 0, comm), "broadcast");
  return s;
}

}  // namespace

std::optional<std::string> start(int& argc, char**& argv, bool requested) {
  if (!requested && !launched_by_mpi()) return std::nullopt;
  int provided = 0;
  if (MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
    return std::string("MPI could not be initialised");
  }
  active = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &my_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  MPI_Comm_dup(MPI_COMM_WORLD, &end_comm);
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  MPI_Comm_size(node, &node_ranks);
  MPI_Comm_free(&node);
  return std::nullopt;
}

int rank() {
  return my_rank;
}
int size() {
  return ranks;
}
bool under_mpi() {
  return active;
}

unsigned default_threads() {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return std::max(1u, cores / static_cast<unsigned>(std::max(1, node_ranks)));
}

std::vector<std::string> gather(const std::string& mine) {
  if (!active) return {mine};
  return gather_on(MPI_COMM_WORLD, mine);
}

std::string broadcast(const std::string& from_root) {
  if (!active) return from_root;
  return broadcast_on(MPI_COMM_WORLD, from_root);
}

void abort(int code) {
  std::cerr << std::flush;
  if (active) MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

namespace {

// The end of the job, in two steps. The first: every rank reports its exit code and
// the stderr it kept to rank 0 (collected once; rank 0 may take it early, before it
// writes its output). The second (finish): rank 0 decides the job's code and tells all.
std::vector<std::string> reports;
bool reported = false;

void report_end(int code, const std::string& captured_stderr) {
  if (reported) return;
  reported = true;
  // A rank that failed where the others did not (a file only it cannot read) would wait
  // here for ranks that wait for it in the work's collectives: after a grace period long
  // enough for the others to fail alike, it ends the job itself.
  MPI_Request all_here;
  MPI_Ibarrier(end_comm, &all_here);
  const auto since = std::chrono::steady_clock::now();
  for (int done = 0;;) {
    MPI_Test(&all_here, &done, MPI_STATUS_IGNORE);
    if (done) break;
    if (code != 0 && std::chrono::steady_clock::now() - since > kFailureGrace) {
      std::cerr << captured_stderr;  // rank 0's own went straight to stderr: empty
      abort(code);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  reports = gather_on(end_comm, std::to_string(code) + "\n" + captured_stderr);
}

}  // namespace

bool others_succeeded() {
  if (!active || ranks == 1) return true;
  report_end(0, "");
  for (std::size_t r = 1; r < reports.size(); ++r) {
    if (reports[r].substr(0, reports[r].find('\n')) != "0") return false;
  }
  return true;
}

void end_after_others_failed() {
  std::exit(finish(0, ""));
}

int finish(int code, const std::string& captured_stderr) {
  if (!active) return code;
  report_end(code, captured_stderr);
  std::string decision;
  if (my_rank == 0) {
    int job_code = code;
    for (std::size_t r = 1; r < reports.size() && job_code == 0; ++r) {
      const auto nl = reports[r].find('\n');
      const int c = std::stoi(reports[r].substr(0, nl));
      if (c != 0) {
        // Only that rank saw the problem: its message has not been printed yet.
        std::cerr << reports[r].substr(nl + 1) << std::flush;
        job_code = c;
      }
    }
    decision = std::to_string(job_code);
  }
  const int job_code = std::stoi(broadcast_on(end_comm, decision));
  MPI_Comm_free(&end_comm);
  MPI_Finalize();
  return job_code;
}

}  // namespace capflow::cli::job
