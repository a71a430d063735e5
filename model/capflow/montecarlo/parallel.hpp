#pragma once
// Chunks of work spread over threads, for the Monte Carlo drivers (monte_carlo.cpp,
// whatif/paired_run.cpp).

#include <cstdint>
#include <functional>

namespace capflow {

// Calls work(thread, chunk) once for every chunk in [0, chunks), on up to `threads`
// threads (thread 0 is the caller's). Chunks go to whichever thread asks next, so a
// caller's result must not depend on which thread ran which chunk; that is what makes
// the two failures below harmless:
//  * a thread that cannot be started (thread limit, address-space limit) is not an
//    error: the chunks it would have run go to the threads that did start;
//  * an exception thrown by work stops every thread at its next chunk; all are joined
//    and the first exception is rethrown on the caller's thread (never std::terminate).
// Returns how many threads ran.
unsigned for_each_chunk(unsigned threads, std::uint64_t chunks,
                        const std::function<void(unsigned thread, std::uint64_t chunk)>& work);

}  // namespace capflow
