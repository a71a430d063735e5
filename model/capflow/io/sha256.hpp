#pragma once
// SHA-256 (FIPS 180-4), for the scenario content hash recorded in result files.

#include <string>
#include <string_view>

namespace capflow {

// Lower-case hex digest of the bytes of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace capflow
