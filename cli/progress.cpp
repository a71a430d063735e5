#include "progress.hpp"

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>

namespace capflow::cli {
namespace {

struct sigaction previous_int;

// Ctrl-C while the line is drawn: erase it, then die of SIGINT as before.
extern "C" void erase_and_reraise(int sig) {
  static const char kErase[] = "\r\033[K";
  [[maybe_unused]] const auto n = ::write(STDERR_FILENO, kErase, sizeof kErase - 1);
  ::sigaction(SIGINT, &previous_int, nullptr);
  ::raise(sig);
}

}  // namespace

Progress::Progress(std::atomic<std::uint64_t>& done, std::uint64_t total, std::string label,
                   std::string unit, bool enabled)
    : done_(done),
      total_(total),
      label_(std::move(label)),
      unit_(std::move(unit)),
      enabled_(enabled && total > 0 && ::isatty(STDERR_FILENO)) {
  if (!enabled_) return;
  struct sigaction sa {};
  sa.sa_handler = erase_and_reraise;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, &previous_int);
  thread_ = std::thread([this] { loop(); });
}

Progress::~Progress() {
  if (!enabled_) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  std::fprintf(stderr, "\r\033[K");
  ::sigaction(SIGINT, &previous_int, nullptr);
}

void Progress::loop() {
  const auto start = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stop_; })) {
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto d = static_cast<double>(done_.load());
    const double rate = secs > 0 ? d / secs : 0;
    const double eta = rate > 0 ? (static_cast<double>(total_) - d) / rate : 0;
    std::fprintf(stderr, "\r\033[K%s: %.0f / %llu %s (%.0f%%), %.0f %s/s, ETA %.0fs",
                 label_.c_str(), d, static_cast<unsigned long long>(total_), unit_.c_str(),
                 100 * d / static_cast<double>(total_), rate, unit_.c_str(), eta);
  }
}

}  // namespace capflow::cli
