#pragma once

// zbundle-extract push: the bundle's images into the site's registry.

#include <string>
#include <vector>

namespace zbundle::cli {

int run_push(const std::vector<std::string>& args);

} // namespace zbundle::cli
