#pragma once

// zbundle-extract prune --to: a bundle's prune list carried out in the site's registry through
// the distribution API (DELETE /v2/<name>/manifests/<digest>, which drops the manifest's tags
// with it). The blobs stay until the registry's garbage collection runs.

#include "core/bundle/prune_run.hpp"
#include "core/ics/mirror_name.hpp"
#include "core/registry/http_connection.hpp"

#include <optional>
#include <string>

namespace zbundle::registry {

struct PruneOptions {
  bundle::PruneRun run;   // its target and audit name are set from `target`
  ics::MirrorName target; // --to HOST[:PORT][/NAMESPACE], where the bundle was pushed
  Endpoint endpoint;
  std::optional<std::string> basic_auth;
};

// As bundle::prune; a RegistryError when the registry cannot be read or refuses a delete (a
// registry that allows none fails at the first, nothing deleted).
[[nodiscard]] bundle::PruneResult prune_registry(PruneOptions options);

} // namespace zbundle::registry
