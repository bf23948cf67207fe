#pragma once

// `zbundle report SRC_OR_BUNDLE -o report.html` and `zbundle-extract report B -o report.html`:
// the offline HTML report (core/report) of a bundle or of oc-mirror output.

#include <string>
#include <string_view>
#include <vector>

namespace zbundle::cli {

// `program` "zbundle" reads oc-mirror output or a bundle; "zbundle-extract" only bundles.
// Writes the page, prints its path, and returns 0; throws Error{check} (after writing) when
// the page records problems.
int run_report(std::string_view program, const std::vector<std::string>& args);

} // namespace zbundle::cli
