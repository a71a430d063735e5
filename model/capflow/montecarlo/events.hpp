#pragma once
// When a path's random yearly events happen: shared by the one-path and the lane draws
// so that both see the same events.

#include "capflow/montecarlo/random.hpp"
#include "capflow/terms/uncertainty_spec.hpp"

namespace capflow {

// Calls hit(t, years) for each year t in which a crash starts on this path; a crash
// lasts `years` years and none starts while one lasts.
template <class Hit>
inline void for_each_crash(const CrashEventSpec& ev, const PathRandom& rng, Hit&& hit) {
  for (Year t = ev.from_year; t <= ev.until_year; ++t) {
    if (rng.uniform(stream_id("event:crash"), static_cast<std::uint32_t>(t - ev.from_year)) >=
        ev.probability_per_year) {
      continue;
    }
    hit(t, ev.years);
    t += ev.years - 1;
  }
}

}  // namespace capflow
