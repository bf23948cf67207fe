#pragma once

// `zbundle artifacts`, and the rendering options `zbundle-extract apply` shares with it.

#include "core/artifacts/artifacts.hpp"

#include <boost/program_options.hpp>

#include <string>
#include <vector>

namespace zbundle::cli {

// --mirror, --ca, --pull-secret, --mirror-auth, --release.
void add_render_options(boost::program_options::options_description& options);

// The options as the renderer takes them: the CA bundle checked like verify-ca checks it
// (an expired CA or a non-CA is refused, Error{check}); expiring certificates are warned about
// on stderr. Throws Error{usage} when --mirror or --ca is missing.
[[nodiscard]] artifacts::RenderOptions
render_options_from(const boost::program_options::variables_map& values);

int run_artifacts(const std::vector<std::string>& args);

} // namespace zbundle::cli
