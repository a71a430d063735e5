#pragma once
// The processes of one capflow job. A plain start is a job of one rank; started by an
// MPI launcher (mpirun, srun) or with --mpi, the job is MPI's ranks (docs/scale-out.md).
// Commands use this interface and never MPI itself, so a build without MPI compiles the
// same commands (job_single.cpp; job_mpi.cpp with MPI).

#include <optional>
#include <string>
#include <vector>

namespace capflow::cli::job {

// Whether the environment is an MPI launcher's (Open MPI, PMI, PMIx, or srun with more
// than one task): a plain start must never initialise MPI.
bool launched_by_mpi();

// Joins the MPI job when launched_by_mpi() or `requested` (--mpi). Returns an error
// message when MPI is wanted but this build has none.
std::optional<std::string> start(int& argc, char**& argv, bool requested);

int rank();
int size();
inline bool is_root() {
  return rank() == 0;
}
// Whether the job runs under MPI (then result documents record meta.ranks).
bool under_mpi();
// Threads per rank when --threads is not given: the cores of this node shared among
// the ranks on it.
unsigned default_threads();

// Collectives: every rank must call them, in the same order.
// Each rank's text, in rank order, at rank 0; an empty vector elsewhere.
std::vector<std::string> gather(const std::string& mine);
// Rank 0's text, on every rank.
std::string broadcast(const std::string& from_root);

// Ends the whole job now with `code`, after this rank's failure (its message already
// printed): the other ranks may be waiting for it, and must not hang.
[[noreturn]] void abort(int code);

// Rank 0, about to write its output: whether every other rank finished its part
// without error (it waits for them). Never false in a job of one rank.
bool others_succeeded();
// Rank 0, after others_succeeded() said no: ends the job as finish() would (the failing
// rank's message printed once, its exit code), without writing anything.
[[noreturn]] void end_after_others_failed();

// The end of a job: every rank passes its exit code and what it wrote to stderr
// (ranks other than 0 write to a buffer, so that the job prints each message once).
// Returns the job's exit code, the same on every rank: rank 0's if it failed, else the
// first failing rank's, whose message rank 0 then prints.
int finish(int code, const std::string& captured_stderr);

// For tests of failure handling: throws on the rank named by CAPFLOW_TEST_FAIL_RANK
// (an internal error at `where`); does nothing when that variable is not set.
void test_fault(const char* where);

}  // namespace capflow::cli::job
