#pragma once

// An expanded tree's registry (DIR/registry, distribution's filesystem layout, as expand
// writes it) read and pruned the way distribution serving it would answer: for
// `zbundle-extract receipt --from DIR` and `prune --from DIR`, no registry running. A manifest
// is held when its repository has the revision link and the blob store its bytes (which must
// hash to its digest); a config or layer when the blob store has it and the repository its
// layer link.

#include "core/bundle/prune_run.hpp"
#include "core/ics/mirror_name.hpp"
#include "core/model/held_images.hpp"
#include "core/receipt/receipt.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace zbundle::extract {

// Repository `name` of the tree `root` (expand's --to): its tags and the manifests they reach,
// with the blobs each references that the tree holds or lacks. Throws Error{check} naming the
// file for a link or manifest that is not what it says.
[[nodiscard]] model::HeldRepository read_tree_repository(const std::filesystem::path& root,
                                                         const std::string& name);

// Every repository of the tree. Expand writes the bundles' repository names as they are, which
// are the names below the mirror's namespace a receipt lists.
[[nodiscard]] model::Inventory read_tree_inventory(const std::filesystem::path& root);

// Deletes manifest `digest` of repository `name` as distribution's DELETE does: first every
// tag naming it, then its revision link. False when the repository does not hold it.
[[nodiscard]] bool remove_tree_manifest(const std::filesystem::path& root,
                                        const std::string& name,
                                        const std::string& digest);

// The receipt of the tree `root`, served as `served_as` names it (the registry and namespace
// the bundles were made for), with the bundles expand recorded for it in `state_dir`.
[[nodiscard]] receipt::Receipt take_tree_receipt(const std::filesystem::path& root,
                                                 const ics::MirrorName& served_as,
                                                 const std::filesystem::path& state_dir,
                                                 std::int64_t now);

// As bundle::prune, for the tree `root`: `run`'s target and audit name are set from it.
[[nodiscard]] bundle::PruneResult prune_tree(const std::filesystem::path& root,
                                             bundle::PruneRun run);

// The key expand records the tree `root` under in the state directory.
[[nodiscard]] std::string tree_target(const std::filesystem::path& root);

} // namespace zbundle::extract
