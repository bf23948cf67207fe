#pragma once

// What a registry holds below a namespace, read from the registry: every repository, its tags
// and the manifests they reach (indexes followed to their children), and for each manifest
// the blobs it references that the registry answers for (HEAD).

#include "core/model/held_images.hpp"
#include "core/registry/registry_client.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace zbundle::registry {

using model::HeldManifest;
using model::HeldRepository;
using model::Inventory;

struct InventoryLimits {
  std::size_t repositories = 100'000;
  std::size_t tags_per_repository = 100'000;
  std::size_t manifests = 1'000'000; // manifests read, over all repositories
};

// Walks `client`'s registry below `name_space` ("" for all of it). Throws RegistryError when
// the registry cannot be read or answers outside the grammars (names, digests, manifests).
[[nodiscard]] Inventory read_inventory(RegistryClient& client,
                                       std::string_view name_space,
                                       const InventoryLimits& limits = {});

// One repository, `name` as the registry names it: its tags and the manifests they reach, blobs
// not asked for. Throws as read_inventory.
[[nodiscard]] HeldRepository read_repository(RegistryClient& client,
                                             const std::string& name,
                                             const InventoryLimits& limits = {});

} // namespace zbundle::registry
