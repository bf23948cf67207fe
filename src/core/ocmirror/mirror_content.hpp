#pragma once

// What zbundle learns from oc-mirror output (oc-mirror-formats.md): one model for v1 and v2, for
// directories and tar archive sets, several inputs merged.

#include "core/ics/content_sources.hpp"
#include "core/ics/mirror_scope.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace zbundle::ocmirror {

enum class SourceFormat {
  oc_mirror_v1,
  oc_mirror_v2,
  registry_storage,
  oci_layout,
  mirror_set_file,
  mapping_file
};
enum class SourceLayout { directory, archive_set, file };

struct InputSource {
  std::filesystem::path path; // as given
  SourceFormat format = SourceFormat::oc_mirror_v2;
  SourceLayout layout = SourceLayout::directory;
  std::vector<std::filesystem::path> archives; // the tar files read, for archive sets
};

struct CatalogSource {
  std::string name; // metadata.name, or the catalog reference when it came from an ISC
  // CatalogSource or ClusterCatalog: `image` is where oc-mirror pushed it; ImageSetConfiguration
  // or Metadata (v1 .metadata.json): `image` is the source reference.
  std::string kind;
  std::string image;
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

// An image a run mirrored, as oc-mirror collected it: what derivation starts from.
struct CollectedImage {
  std::string source; // the source reference, e.g. "registry.redhat.io/ubi9/ubi@sha256:..."
  ImageCategory category = ImageCategory::generic;
  ics::MappingRules rules = ics::MappingRules::oc_mirror_v2;
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

struct Repository {
  std::map<std::string, std::string> tags; // tag -> manifest digest
  std::set<std::string> manifests;         // manifest digests (revisions)
};

struct MirrorContent {
  std::vector<InputSource> inputs;
  ics::ImageContentSources image_content_sources;
  std::vector<std::string> ics_origins; // the files the image content sources came from
  std::set<CatalogSource> catalogs;
  std::set<ClusterResource> cluster_resources;
  std::set<ReleaseImage> releases;
  std::map<std::string, Repository> repositories;
  std::map<std::string, std::uint64_t> blobs; // digest -> size in bytes
  // Raw ImageSetConfiguration documents (v2 `isc_<time>`) and v1 `.metadata.json`, kept for
  // deriving image content sources from a mirror-to-disk run, which carries no mirror sets.
  std::vector<std::string> image_set_configs;
  std::vector<std::string> v1_metadata;
  // What the run mirrored (v2: ISC, release image-references, file-based catalogs; v1:
  // .metadata.json associations), and why some of it cannot be mapped.
  std::set<CollectedImage> collected_images;
  std::set<std::string> unmapped;

  [[nodiscard]] std::uint64_t blob_bytes() const noexcept;
  [[nodiscard]] std::size_t image_count() const noexcept; // distinct manifest digests
  [[nodiscard]] std::size_t tag_count() const noexcept;
  // Catalogs by "<name>:<tag>" (last repository component and tag), so the source reference
  // from an ISC and the mirrored one from a CatalogSource count as one catalog.
  [[nodiscard]] std::set<std::string> catalog_names() const;
};

} // namespace zbundle::ocmirror
