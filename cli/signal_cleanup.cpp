#include "signal_cleanup.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstring>

namespace capflow::cli {
namespace {

constexpr std::size_t kSlots = 64;
constexpr std::size_t kPathBytes = 4096;
constexpr std::array<int, 4> kSignals{SIGINT, SIGTERM, SIGHUP, SIGQUIT};

static_assert(std::atomic<bool>::is_always_lock_free);

// A slot's path is read by the handler only while its flag is set: the flag is stored
// (release) after the path is written and cleared before the slot is reused, so a
// handler running on another thread (OpenMPI has some) never sees a half-written path.
char g_paths[kSlots][kPathBytes];
std::atomic<bool> g_ready[kSlots];  // also: the slot is owned by a guard
int g_guards = 0;
std::array<struct sigaction, kSignals.size()> g_old{};
struct sigaction g_old_xfsz {};

// Removes the files directly inside dir, then dir. Async-signal-safe: raw getdents64,
// unlinkat, rmdir (no opendir/readdir, which allocate).
void empty_and_remove(const char* dir) {
  const int fd = ::open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return;
  alignas(8) char buf[4096];
  for (;;) {
    const long n = ::syscall(SYS_getdents64, fd, buf, sizeof buf);
    if (n <= 0) break;
    for (long off = 0; off < n;) {
      const auto* d = reinterpret_cast<const struct dirent64*>(buf + off);
      const char* name = d->d_name;
      const bool dot = name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'));
      if (!dot) ::unlinkat(fd, name, 0);
      off += d->d_reclen;
    }
  }
  ::close(fd);
  ::rmdir(dir);
}

extern "C" void remove_and_die(int sig) {
  for (std::size_t i = 0; i < kSlots; ++i) {
    if (!g_ready[i].load(std::memory_order_acquire)) continue;
    const char* p = g_paths[i];
    if (::unlink(p) != 0) empty_and_remove(p);
  }
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  ::sigaction(sig, &dfl, nullptr);
  ::raise(sig);
}

void install() {
  struct sigaction sa {};
  sa.sa_handler = remove_and_die;
  sigemptyset(&sa.sa_mask);
  for (std::size_t i = 0; i < kSignals.size(); ++i) {
    ::sigaction(kSignals[i], &sa, &g_old[i]);
    // Ignored on purpose (nohup, a background job): the signal cannot end the process,
    // so there is nothing to clean up for it.
    if (g_old[i].sa_handler == SIG_IGN) ::sigaction(kSignals[i], &g_old[i], nullptr);
  }
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
  for (std::size_t i = 0; i < kSlots; ++i) {
    if (g_ready[i].load(std::memory_order_relaxed)) continue;
    std::memcpy(g_paths[i], path.c_str(), path.size() + 1);
    g_ready[i].store(true, std::memory_order_release);
    slot_ = static_cast<int>(i);
    break;
  }
  if (slot_ >= 0 && g_guards++ == 0) install();
}

RemoveOnSignal::~RemoveOnSignal() {
  if (slot_ < 0) return;
  g_ready[slot_].store(false, std::memory_order_release);
  if (--g_guards == 0) uninstall();
}

DeferSignals::DeferSignals() {
  sigset_t set;
  sigemptyset(&set);
  for (int s : kSignals) sigaddset(&set, s);
  ::pthread_sigmask(SIG_BLOCK, &set, &old_);
}

DeferSignals::~DeferSignals() {
  ::pthread_sigmask(SIG_SETMASK, &old_, nullptr);
}

void test_stop_point(const char* point) {
  const char* at = std::getenv("CAPFLOW_TEST_STOP_AT");
  if (at != nullptr && std::strcmp(at, point) == 0) ::raise(SIGSTOP);
}

}  // namespace capflow::cli
