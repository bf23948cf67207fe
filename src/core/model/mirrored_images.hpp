#pragma once

// What a mirror holds, as the signed model names it (docs/oc-mirror-formats.md): plain data that
// the oc-mirror reader and the storage walk produce, the bundle manifest serializes and the
// artifacts render. No I/O here and no parsing: whoever fills these has checked them.

#include "core/ics/mirror_scope.hpp"

#include <map>
#include <set>
#include <string>
#include <string_view>

namespace zbundle::model {

// Where a run put an image below the mirror when its ImageSetConfiguration renames it
// (operators[].targetCatalog/targetTag, additionalImages[].targetRepo/targetTag); empty parts
// keep the source's repository and tag, as oc-mirror does.
struct MirrorTarget {
  std::string repository; // e.g. "my/ns/custom-index"
  std::string tag;        // e.g. "v16"
  [[nodiscard]] bool empty() const noexcept { return repository.empty() && tag.empty(); }
  friend auto operator<=>(const MirrorTarget&, const MirrorTarget&) = default;
};

struct CatalogSource {
  std::string name; // metadata.name, or the catalog reference when it came from an ISC
  // CatalogSource or ClusterCatalog: `image` is where oc-mirror pushed it; ImageSetConfiguration
  // or Metadata (v1 .metadata.json): `image` is the source reference.
  std::string kind;
  std::string image;
  MirrorTarget target{}; // an ISC's rename of the catalog
  friend auto operator<=>(const CatalogSource&, const CatalogSource&) = default;
};

struct ReleaseImage {
  std::string name;   // e.g. "4.16.5-s390x" (the tag) or the source reference
  std::string digest; // "sha256:<hex>", empty when unknown
  friend auto operator<=>(const ReleaseImage&, const ReleaseImage&) = default;
};

// oc-mirror's image types, grouped as its mirror-set rules treat them (oc-mirror-formats.md 2.3).
enum class ImageCategory {
  release,         // the release image (ocpRelease)
  release_content, // a release payload component (ocpReleaseContent)
  operator_image,  // operator bundles and their related images
  generic,         // additional images, helm images
  catalog,         // operator catalogs: never in mirror sets
  graph,           // the cincinnati graph image: never in mirror sets
};

// "release", "release-content", "operator", "generic", "catalog", "graph": as the manifest and
// the readiness report name them.
[[nodiscard]] constexpr std::string_view category_name(ImageCategory category) noexcept {
  switch (category) {
  case ImageCategory::release:
    return "release";
  case ImageCategory::release_content:
    return "release-content";
  case ImageCategory::operator_image:
    return "operator";
  case ImageCategory::generic:
    return "generic";
  case ImageCategory::catalog:
    return "catalog";
  case ImageCategory::graph:
    return "graph";
  }
  return "generic";
}

// An image a run mirrored, as oc-mirror collected it: what derivation starts from.
struct CollectedImage {
  std::string source; // the source reference, e.g. "registry.redhat.io/ubi9/ubi@sha256:..."
  ImageCategory category = ImageCategory::generic;
  ics::MappingRules rules = ics::MappingRules::oc_mirror_v2;
  MirrorTarget target{}; // an ISC's rename of the image
  friend auto operator<=>(const CollectedImage&, const CollectedImage&) = default;
};

// Another resource oc-mirror wrote for the cluster: the release-signature ConfigMap or the
// UpdateService. Kept whole (they are small) to be carried across with mirrors rewritten.
struct ClusterResource {
  std::string kind;   // ConfigMap, UpdateService
  std::string name;   // metadata.name
  std::string origin; // the file (and archive) it came from
  std::string text;   // the document as oc-mirror wrote it
  friend auto operator<=>(const ClusterResource&, const ClusterResource&) = default;
};

// One repository of the mirror as a registry serves it.
struct RepositoryRecord {
  std::string name;
  std::map<std::string, std::string> tags; // tag -> manifest digest
  std::set<std::string> manifests;         // manifest digests
  std::set<std::string> blobs;             // configs and layers its manifests reference
  friend bool operator==(const RepositoryRecord&, const RepositoryRecord&) = default;
};

} // namespace zbundle::model
