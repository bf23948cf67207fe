#pragma once

// The bastion's commands: expand, apply (which renders with the bastion's own facts) and merge
// (apply-cluster.sh's merges into live objects).

#include <string>
#include <vector>

namespace zbundle::cli {

int run_expand(const std::vector<std::string>& args);
int run_apply(const std::vector<std::string>& args);
int run_merge(const std::vector<std::string>& args);

} // namespace zbundle::cli
