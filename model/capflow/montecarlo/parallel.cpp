#include "capflow/montecarlo/parallel.hpp"

#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace capflow {

unsigned for_each_chunk(unsigned threads, std::uint64_t chunks,
                        const std::function<void(unsigned, std::uint64_t)>& work) {
  std::atomic<std::uint64_t> next{0};
  std::mutex failure_mutex;
  std::exception_ptr failure;
  auto loop = [&](unsigned t) {
    try {
      for (std::uint64_t c = next++; c < chunks; c = next++) work(t, c);
    } catch (...) {
      const std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      next = chunks;  // the other threads stop before their next chunk
    }
  };
  std::vector<std::thread> pool;
  // Reserved before any thread starts: growing the vector later could throw with
  // threads running, and a joinable std::thread destroyed by unwinding terminates.
  pool.reserve(threads > 1 ? threads - 1 : 0);
  for (unsigned t = 1; t < threads; ++t) {
    try {
      pool.emplace_back(loop, t);
    } catch (const std::exception&) {
      break;  // std::system_error (EAGAIN) or std::bad_alloc: run on fewer threads
    }
  }
  loop(0);
  for (auto& th : pool) th.join();
  if (failure) std::rethrow_exception(failure);
  return static_cast<unsigned>(pool.size()) + 1;
}

}  // namespace capflow
