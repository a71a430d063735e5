#pragma once
// Files and directories that exist only while a command writes its output (the temporary
// file of -o, the staging folder of a report's charts): if SIGINT, SIGTERM, SIGHUP or
// SIGQUIT ends the process meanwhile, they are removed before it dies, so an interrupted
// command leaves what was there before and nothing else.

#include <csignal>
#include <string>

namespace capflow::cli {

// Registers path for removal on those signals for the guard's lifetime (the handlers are
// installed while any guard lives). A directory must be empty by the time the handler
// removes it: register it before the files written into it, which are removed first.
// A path too long for the handler's fixed table (4 KiB) or more guards than its 64 slots
// are not registered: the command still works, only without this cleanup.
class RemoveOnSignal {
 public:
  explicit RemoveOnSignal(const std::string& path);
  ~RemoveOnSignal();
  RemoveOnSignal(const RemoveOnSignal&) = delete;
  RemoveOnSignal& operator=(const RemoveOnSignal&) = delete;

 private:
  int slot_ = -1;
};

}  // namespace capflow::cli
