#pragma once

// zbundle-extract prune: deletes from the site's registry what a bundle's signed prune list
// names and nothing else still needs (bundle/prune_rules.hpp), through the distribution API
// (DELETE /v2/<name>/manifests/<digest>). The blobs stay until the registry's garbage
// collection runs. Each deletion leaves an audit line in the state directory.

#include "core/bundle/bundle_reader.hpp"
#include "core/bundle/prune_rules.hpp"
#include "core/ics/mirror_name.hpp"
#include "core/registry/http_connection.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace zbundle::registry {

struct PruneOptions {
  std::filesystem::path bundle;
  bundle::Trust trust;
  ics::MirrorName target; // --to HOST[:PORT][/NAMESPACE]
  Endpoint endpoint;
  std::optional<std::string> basic_auth;
  std::filesystem::path state_dir; // where push recorded what it applied; the audit log
  unsigned keep_releases = 2;
  bool dry_run = false; // decide and say, delete nothing
  std::int64_t now = 0; // for the audit lines, Unix seconds
};

struct PrunedManifest {
  std::string repository; // as the registry names it
  std::string digest;
  std::vector<std::string> tags; // the tags the prune list drops with it
  enum class Outcome { deleted, would_delete, already_gone, kept } outcome = Outcome::kept;
  std::string reason; // why it was kept
};

struct PruneResult {
  std::string bundle_id;
  std::string target;
  std::vector<PrunedManifest> manifests; // in the order they were handled
};

// Throws Error{check} when the bundle does not verify or is not the bundle push applied last
// to the target (pruning for an older one could delete what a newer one brought), a
// RegistryError when the registry cannot be read or refuses a delete (none is tried after).
[[nodiscard]] PruneResult prune_registry(const PruneOptions& options);

} // namespace zbundle::registry
