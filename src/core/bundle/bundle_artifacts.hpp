#pragma once

// What `create` adds under artifacts/: the rendered artifacts when --mirror and --ca are given
// (rendered on the bastion otherwise), and the mirror's credentials encrypted to the bastion.

#include "core/bundle/bundle_writer.hpp"
#include "core/bundle/payload_plan.hpp"

#include <vector>

namespace zbundle::bundle {

// The artifacts/ entries for `manifest` (its model, bundle id and CA certificates filled in).
// Throws Error{usage} for credentials without a recipient or the reverse; Error{input} for an
// auth file or recipient that cannot be used, and as artifacts::render_artifacts.
[[nodiscard]] std::vector<PlannedEntry> artifact_entries(const CreateOptions& options,
                                                         const Manifest& manifest);

} // namespace zbundle::bundle
