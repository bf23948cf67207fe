#pragma once

// What `zbundle-extract prune` may delete of a bundle's prune list (docs/day-2.md, "Pruning"),
// decided from what the target holds now, before anything is deleted. A manifest is kept when
// the bundle references it, when one of the last N releases applied needs it, when a tag the
// prune list does not drop still names it (or an index it reaches), or when it is the
// signature of one that is kept. The rest goes, indexes before their children, so no index is
// ever left pointing at a deleted child.

#include "core/bundle/applied_history.hpp"
#include "core/bundle/manifest.hpp"
#include "core/model/held_images.hpp"

#include <map>
#include <string>
#include <vector>

namespace zbundle::bundle {

// Per repository (as bundles name them): digest -> why it must stay.
using KeptManifests = std::map<std::string, std::map<std::string, std::string>>;

// What the bundles applied last need, newest first, until `keep_releases` distinct releases
// are covered (a bundle without a release is covered by the next older one's).
[[nodiscard]] KeptManifests kept_by_releases(const std::vector<AppliedRecord>& history,
                                             unsigned keep_releases);

enum class PruneVerdict { remove, keep };

struct PruneDecision {
  const PruneItem* item = nullptr;
  PruneVerdict verdict = PruneVerdict::keep;
  std::string reason; // why it is kept; empty for remove
};

// The decisions for the prune items of one repository, `live` what the target holds there
// now (tags and the manifests they reach), `kept` what must stay there. Removals come first,
// those with children in `live` before the others.
[[nodiscard]] std::vector<PruneDecision>
decide_prune(const std::vector<const PruneItem*>& items,
             const model::HeldRepository& live,
             const std::map<std::string, std::string>& kept);

} // namespace zbundle::bundle
