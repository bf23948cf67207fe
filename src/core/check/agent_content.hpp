#pragma once

// The content the hosted control planes procedure's Agent platform needs from the mirror: the
// multicluster engine operator (which brings HyperShift) and the assisted-service images that
// discover and install the agents. A bundle that renders the procedure's artifacts without them
// installs a management cluster that cannot create the hosted cluster's nodes.
//
// Judged by the repositories the mirror holds, by the last part of their names as Red Hat
// publishes them below registry.redhat.io/multicluster-engine/ (a RHEL suffix may change from
// release to release: "assisted-service-9-rhel9", "assisted-installer-agent-rhel9").

#include "core/model/mirrored_images.hpp"
#include "core/model/problem.hpp"

#include <vector>

namespace zbundle::check {

// A missing-agent-content problem per component none of `repositories` holds (a repository
// with at least one tag or manifest whose last name part begins with the component's prefix).
[[nodiscard]] std::vector<model::Problem>
check_agent_content(const std::vector<model::RepositoryRecord>& repositories);

} // namespace zbundle::check
