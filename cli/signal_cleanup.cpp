#include "signal_cleanup.hpp"

#include <unistd.h>

#include <array>
#include <cstring>

namespace capflow::cli {
namespace {

constexpr std::size_t kSlots = 64;
constexpr std::size_t kPathBytes = 4096;
constexpr std::array<int, 4> kSignals{SIGINT, SIGTERM, SIGHUP, SIGQUIT};

// Written by the main thread with the signals blocked, read by the handler: a slot is in
// use when its first byte is not NUL.
char g_paths[kSlots][kPathBytes];
volatile std::sig_atomic_t g_used = 0;  // slots in use, highest index + 1
int g_guards = 0;
std::array<struct sigaction, kSignals.size()> g_old{};
struct sigaction g_old_xfsz {};

// Async-signal-safe: unlink, rmdir, sigaction, raise. Newest first, so files go before
// the directory registered ahead of them.
extern "C" void remove_and_die(int sig) {
  for (int i = g_used - 1; i >= 0; --i) {
    const char* p = g_paths[i];
    if (p[0] != '\0' && ::unlink(p) != 0) ::rmdir(p);
  }
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  ::sigaction(sig, &dfl, nullptr);
  ::raise(sig);
}

// The handled signals blocked for the scope: the table never changes under the handler.
class Blocked {
 public:
  Blocked() {
    sigset_t set;
    sigemptyset(&set);
    for (int s : kSignals) sigaddset(&set, s);
    ::pthread_sigmask(SIG_BLOCK, &set, &old_);
  }
  ~Blocked() { ::pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  Blocked(const Blocked&) = delete;
  Blocked& operator=(const Blocked&) = delete;

 private:
  sigset_t old_;
};

void install() {
  struct sigaction sa {};
  sa.sa_handler = remove_and_die;
  sigemptyset(&sa.sa_mask);
  for (std::size_t i = 0; i < kSignals.size(); ++i) ::sigaction(kSignals[i], &sa, &g_old[i]);
  // Past a file-size limit (ulimit -f) write() then fails with EFBIG, reported and cleaned
  // up like a full disk, instead of SIGXFSZ killing the process mid-write.
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ::sigaction(SIGXFSZ, &ignore, &g_old_xfsz);
}

void uninstall() {
  for (std::size_t i = 0; i < kSignals.size(); ++i) ::sigaction(kSignals[i], &g_old[i], nullptr);
  ::sigaction(SIGXFSZ, &g_old_xfsz, nullptr);
}

}  // namespace

RemoveOnSignal::RemoveOnSignal(const std::string& path) {
  if (path.empty() || path.size() >= kPathBytes) return;
  const Blocked blocked;
  for (std::size_t i = 0; i < kSlots; ++i) {
    if (g_paths[i][0] != '\0') continue;
    std::memcpy(g_paths[i], path.c_str(), path.size() + 1);
    slot_ = static_cast<int>(i);
    if (static_cast<int>(i) + 1 > g_used) g_used = static_cast<int>(i) + 1;
    break;
  }
  if (slot_ >= 0 && g_guards++ == 0) install();
}

RemoveOnSignal::~RemoveOnSignal() {
  if (slot_ < 0) return;
  const Blocked blocked;
  g_paths[slot_][0] = '\0';
  while (g_used > 0 && g_paths[g_used - 1][0] == '\0') g_used = g_used - 1;
  if (--g_guards == 0) uninstall();
}

}  // namespace capflow::cli
