#pragma once

// The prune list `create` signs (docs/day-2.md, "Pruning"): every manifest an earlier bundle
// carried or a receipt confirmed that the new bundle no longer references, in the repository
// that held it, with the tags that named it. A receipt also lists what an administrator pushed
// beside the mirror, which zbundle cannot tell from what it dropped: from a receipt, only the
// repositories the new bundle or a base bundle has are considered.

#include "core/bundle/manifest.hpp"
#include "core/model/held_images.hpp"
#include "core/model/mirrored_images.hpp"

#include <functional>
#include <string>
#include <vector>

namespace zbundle::bundle {

// `pushed_name` maps a repository as a bundle names it to its name below the receipt's
// namespace as push writes it (empty when it maps to none).
[[nodiscard]] std::vector<PruneItem>
plan_prune(const std::vector<model::RepositoryRecord>& current,
           const std::vector<model::RepositoryRecord>& base,
           const std::vector<model::HeldRepository>& receipt,
           const std::function<std::string(const std::string&)>& pushed_name);

} // namespace zbundle::bundle
