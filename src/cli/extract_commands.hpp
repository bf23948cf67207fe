#pragma once

// The bastion's commands: expand (and apply, which renders with the bastion's own facts).

#include <string>
#include <vector>

namespace zbundle::cli {

int run_expand(const std::vector<std::string>& args);
int run_apply(const std::vector<std::string>& args);

} // namespace zbundle::cli
