#pragma once
// The tornado as a chart: one bar per input from its value at LO to its value at HI.

#include <string>

#include "capflow/whatif/tornado.hpp"

namespace capflow {

// The chart (an SVG document) with the given element id.
std::string tornado_svg(const Tornado& t, const std::string& id, const std::string& title);

}  // namespace capflow
