#pragma once
// A progress line on stderr for long commands (run, merge, diff, sweep, tornado, report):
// paths (or files) done, rate and ETA, redrawn four times a second, only when stderr is
// a terminal; erased when the work ends, and on Ctrl-C, so the shell prompt starts on a
// clean line.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace capflow::cli {

class Progress {
 public:
  // label: "capflow sweep"; unit: "paths". Draws nothing unless enabled and stderr is a
  // terminal.
  Progress(std::atomic<std::uint64_t>& done, std::uint64_t total, std::string label,
           std::string unit, bool enabled = true);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

 private:
  void loop();
  std::atomic<std::uint64_t>& done_;
  std::uint64_t total_;
  std::string label_, unit_;
  bool enabled_;
  bool stop_ = false;
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace capflow::cli
