#pragma once
// Files and folders that exist only while a command writes its output (the temporary
// file of -o, the staging folder of a report's charts): if SIGINT, SIGTERM, SIGHUP or
// SIGQUIT ends the process meanwhile, they are removed before it dies, so an interrupted
// command leaves what was there before and nothing else. A signal the user had set to be
// ignored (nohup) stays ignored.

#include <csignal>
#include <string>

namespace capflow::cli {

// Registers path for removal on those signals for the guard's lifetime (the handlers are
// installed while any guard lives). A folder is emptied (its files, one level) and
// removed. Up to 64 guards at once, each path under 4 KiB; past that a path is not
// registered: the command still works, only without this cleanup.
class RemoveOnSignal {
 public:
  explicit RemoveOnSignal(const std::string& path);
  ~RemoveOnSignal();
  RemoveOnSignal(const RemoveOnSignal&) = delete;
  RemoveOnSignal& operator=(const RemoveOnSignal&) = delete;

 private:
  int slot_ = -1;
};

// Holds those signals back on this thread for its lifetime; one that arrives meanwhile is
// delivered when the scope ends. Around the creation of a temporary and its registration
// (else a signal in between would leave it behind), and around steps that must happen
// together (a report and its charts moved into place).
class DeferSignals {
 public:
  DeferSignals();
  ~DeferSignals();
  DeferSignals(const DeferSignals&) = delete;
  DeferSignals& operator=(const DeferSignals&) = delete;

 private:
  sigset_t old_;
};

// For tests/hostile/interrupted_write.py only: when the environment variable
// CAPFLOW_TEST_STOP_AT equals point ("output-temp", "chart-staging"), the process stops
// itself (SIGSTOP) there, so that a test can send a signal at that exact point.
void test_stop_point(const char* point);

}  // namespace capflow::cli
