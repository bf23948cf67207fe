#include "core/registry/inventory.hpp"

#include "core/ics/image_ref.hpp"
#include "core/oci/manifest.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <set>

namespace zbundle::registry {
namespace {

using util::str_cat;

// An index of indexes is allowed by OCI; deeper nesting than this is not an image.
constexpr unsigned k_max_index_depth = 4;

class InventoryWalk {
public:
  InventoryWalk(RegistryClient& client,
                const InventoryLimits& limits,
                Inventory& inventory,
                bool confirms_blobs = true)
      : m_client(client), m_limits(limits), m_inventory(inventory),
        m_confirms_blobs(confirms_blobs) {}

  // `full` is the repository's name in the registry, `held` what is recorded below the
  // namespace.
  void walk(const std::string& full, HeldRepository& held) {
    m_blobs_seen.clear();
    for (const std::string& tag : m_client.tags(full, m_limits.tags_per_repository)) {
      const std::optional<std::string> digest = m_client.manifest_digest(full, tag);
      if (!digest) {
        continue; // deleted between the listing and now
      }
      if (!ics::is_sha256_digest(*digest)) {
        throw RegistryError(str_cat(full, ":", tag, ": the registry names no sha256 digest"),
                            Failure::refused);
      }
      held.tags.emplace(tag, *digest);
      read_manifest(full, *digest, held, 0);
    }
  }

private:
  void read_manifest(const std::string& full,
                     const std::string& digest,
                     HeldRepository& held,
                     unsigned depth) {
    if (held.manifests.contains(digest)) {
      return;
    }
    const std::string subject = str_cat(full, "@", digest);
    if (depth > k_max_index_depth || ++m_inventory.manifests > m_limits.manifests) {
      throw RegistryError(
          str_cat(subject,
                  depth > k_max_index_depth ? ": indexes nested too deep" : ": too many manifests"),
          Failure::refused);
    }
    const std::optional<std::string> body = m_client.manifest(full, digest);
    if (!body) {
      return; // a tag's manifest deleted meanwhile, or an index child the registry lacks
    }
    oci::Manifest manifest;
    try {
      manifest = oci::parse_manifest(*body, subject);
    } catch (const Error& error) {
      throw RegistryError(error.what(), Failure::refused);
    }
    HeldManifest& record = held.manifests[digest];
    record.media_type = manifest.media_type;
    for (const oci::Descriptor* blob : manifest.blobs()) {
      if (blob->is_foreign || !m_confirms_blobs) {
        continue; // served from elsewhere; the registry is not asked for it
      }
      (check_blob(full, blob->digest) ? record.blobs : record.missing_blobs)
          .push_back(blob->digest);
    }
    for (const oci::Descriptor& child : manifest.children) {
      record.manifests.push_back(child.digest);
    }
    for (const std::string& child : record.manifests) { // map entries stay where they are
      read_manifest(full, child, held, depth + 1);
    }
  }

  bool check_blob(const std::string& full, const std::string& digest) {
    if (const auto seen = m_blobs_seen.find(digest); seen != m_blobs_seen.end()) {
      return seen->second;
    }
    const bool is_held = m_client.has_blob(full, digest);
    m_blobs_seen.emplace(digest, is_held);
    if (is_held && m_blobs_counted.insert(digest).second) {
      ++m_inventory.blobs;
    }
    return is_held;
  }

  RegistryClient& m_client;
  const InventoryLimits& m_limits;
  Inventory& m_inventory;
  bool m_confirms_blobs;
  std::map<std::string, bool> m_blobs_seen; // in the repository walked
  std::set<std::string> m_blobs_counted;    // in any repository
};

} // namespace

HeldRepository
read_repository(RegistryClient& client, const std::string& name, const InventoryLimits& limits) {
  Inventory inventory;
  InventoryWalk walk(client, limits, inventory, false);
  HeldRepository held;
  held.name = name;
  walk.walk(name, held);
  return held;
}

Inventory
read_inventory(RegistryClient& client, std::string_view name_space, const InventoryLimits& limits) {
  const std::string prefix = name_space.empty() ? "" : str_cat(name_space, "/");
  Inventory inventory;
  InventoryWalk walk(client, limits, inventory);
  for (const std::string& full : client.repositories(limits.repositories)) {
    if (!full.starts_with(prefix) || full.size() == prefix.size()) {
      continue;
    }
    HeldRepository held;
    held.name = full.substr(prefix.size());
    walk.walk(full, held);
    if (!held.tags.empty()) {
      inventory.repositories.push_back(std::move(held));
    }
  }
  return inventory;
}

} // namespace zbundle::registry
