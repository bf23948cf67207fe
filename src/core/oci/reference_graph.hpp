#pragma once

// What a mirror's tags, revisions and manifests reference, and whether all of it is there:
// every tag and revision resolving to a manifest that parses, every config, layer and child
// present (here or in a base) with the size its descriptor says, and, when asked, every tagged
// image carrying the required platforms. Fed by a storage walk; used by verify-digests and by
// the bundle writer, which both need the same answer.

#include "core/model/problem.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace zbundle::oci {

struct StoredTag {
  std::string repository;
  std::string tag;
  std::string digest;
  // The size its descriptor declares (an OCI layout's index.json); registries and CRI-O refuse
  // a blob of another size.
  std::optional<std::uint64_t> declared_size;
  std::string declared_media_type{}; // the same descriptor's mediaType; empty when none
};

// One repository as a registry serves it: its tags, the manifests it holds (tagged, revision
// and child manifests) and the configs and layers those reference (its `_layers` links).
struct RepositoryGraph {
  std::map<std::string, std::string> tags;
  std::set<std::string> manifests;
  std::set<std::string> blobs;
};

// cosign's tag-based attachment: "sha256-<hex>.sig" holds the signatures of the manifest
// sha256:<hex> beside it; a signature, never an image of its own.
[[nodiscard]] inline bool is_signature_tag(std::string_view tag) noexcept {
  return tag.starts_with("sha256-") && tag.ends_with(".sig");
}
// The signature tag of manifest `digest` ("sha256:<hex>"): "sha256-<hex>.sig".
[[nodiscard]] inline std::string signature_tag_of(std::string_view digest) {
  return "sha256-" + std::string(digest.substr(std::string_view("sha256:").size())) + ".sig";
}

// The platforms tagged images must carry: every image the nodes', a release image (tagged in
// `release_repository`) the management cluster's too, since a hosted control plane runs there.
struct ArchitectureRule {
  std::vector<std::string> node;       // e.g. {"s390x"}; empty: not checked
  std::vector<std::string> management; // e.g. {"amd64"}; empty: no cluster apart from the nodes
  std::string release_repository{};    // e.g. "openshift/release-images"
};

class ReferenceGraph {
public:
  // A blob present in the mirror with its size (its content verified, or to be verified).
  void add_blob(const std::string& digest, std::uint64_t size);
  // A blob an earlier run carried: references to it are satisfied, its content is not here.
  void add_base_blob(const std::string& digest);
  // The text of a small blob that may be a manifest or a config, verified against its digest.
  void add_json(const std::string& digest, std::string json);
  void add_tag(StoredTag tag);
  void add_revision(const std::string& repository, const std::string& digest);

  // Every problem of the tags and revisions (see ProblemKind), in a stable order.
  [[nodiscard]] std::vector<model::Problem> check(const ArchitectureRule& architectures);
  // Per repository name, what it serves; call after check().
  [[nodiscard]] const std::map<std::string, RepositoryGraph>& repositories() const noexcept {
    return m_repositories;
  }
  [[nodiscard]] std::size_t tag_count() const noexcept { return m_tags.size(); }
  // The text of blob `digest` when it was kept as JSON, else nullptr.
  [[nodiscard]] const std::string* json_of(const std::string& digest) const {
    const auto found = m_json.find(digest);
    return found == m_json.end() ? nullptr : &found->second;
  }
  [[nodiscard]] std::size_t manifest_count() const noexcept { return m_verified_manifests.size(); }
  // The platforms manifest `digest` serves (its children's, or its config's); nullopt when it
  // cannot be told. `where` names it in a parse error that is swallowed.
  [[nodiscard]] std::optional<std::set<std::string>> platforms_of(const std::string& digest,
                                                                  const std::string& where) const;
  [[nodiscard]] bool is_base_blob(const std::string& digest) const {
    return m_base_blobs.contains(digest);
  }
  [[nodiscard]] bool has_blob(const std::string& digest) const {
    return m_blob_sizes.contains(digest) || m_base_blobs.contains(digest);
  }

private:
  void report(model::ProblemKind kind, std::string path, std::string expected, std::string actual);
  void check_reference(const struct Descriptor& descriptor, const std::string& where);
  void
  check_media_type(std::string_view declared, const std::string& digest, const std::string& where);
  std::optional<struct Manifest>
  load_manifest(const std::string& digest, const std::string& where, bool is_first_visit);
  void
  verify_manifest(const std::string& digest, const std::string& where, RepositoryGraph& repository);
  void
  check_architectures(const StoredTag& tag, const std::string& where, const ArchitectureRule& rule);

  std::vector<model::Problem> m_problems;
  std::map<std::string, std::uint64_t> m_blob_sizes;
  std::map<std::string, std::string> m_media_types; // of each manifest that parsed
  std::set<std::string> m_base_blobs;
  std::map<std::string, std::string> m_json;
  std::map<std::string, std::set<std::string>> m_revisions;
  std::vector<StoredTag> m_tags;
  std::set<std::string> m_verified_manifests;
  std::map<std::string, RepositoryGraph> m_repositories;
};

} // namespace zbundle::oci
