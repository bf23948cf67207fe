#pragma once

// `zbundle inspect SRC... --readiness`: what the cluster will find, per release, catalog and
// image the oc-mirror run names: present where oc-mirror pushes it, the platforms it carries,
// for a release its signature; then every problem create's seal gate would refuse.

#include <boost/program_options.hpp>

#include <filesystem>
#include <vector>

namespace zbundle::cli {

// --arch, --management-arch, --release-key for the readiness report.
void add_readiness_options(boost::program_options::options_description& options);

// Prints the report (text, or JSON with --json) and returns 0 when the mirror is ready; throws
// Error{check} when it is not.
int run_readiness(const std::vector<std::filesystem::path>& inputs,
                  const boost::program_options::variables_map& values);

} // namespace zbundle::cli
