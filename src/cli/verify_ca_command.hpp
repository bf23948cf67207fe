#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace zbundle::cli {

// `verify-ca`, the same in zbundle and zbundle-extract: verifies a server certificate (a file,
// or what --probe HOST:PORT sends) against a CA bundle, and checks the bundle itself.
// Returns 0 when trusted; throws Error{check} when not, Error{usage|input} for bad input.
[[nodiscard]] int run_verify_ca(std::string_view program, const std::vector<std::string>& args);

} // namespace zbundle::cli
