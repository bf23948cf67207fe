#pragma once

#include <string>

namespace zbundle::util {

// The libraries the binary runs with, as they report themselves at run time:
// "OpenSSL 3.0.15 3 Sep 2024, libarchive 3.6.2, zstd 1.5.4, Boost 1.74, nlohmann_json 3.11"
// (the header-only ones as compiled in).
[[nodiscard]] std::string linked_library_versions();

} // namespace zbundle::util
