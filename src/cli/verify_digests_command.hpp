#pragma once

#include <string>
#include <vector>

namespace zbundle::cli {

// `zbundle verify-digests SRC... [--arch s390x[,amd64...]] [--base SRC...] [--json]`: reports
// every problem, then exits 1 when there was any (Error{check}).
[[nodiscard]] int run_verify_digests(const std::vector<std::string>& args);

} // namespace zbundle::cli
