#pragma once

#include <cstdint>
#include <string>

namespace zbundle::util {

// "512 B", "1.5 KiB", "2.0 GiB": binary units, one decimal above bytes.
[[nodiscard]] std::string human_bytes(std::uint64_t bytes);

} // namespace zbundle::util
