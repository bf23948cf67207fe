#pragma once

#include <string>
#include <vector>

namespace zbundle::cli {

// zbundle-extract check: the bastion's preflight before hcp runs.
int run_check(const std::vector<std::string>& args);

} // namespace zbundle::cli
