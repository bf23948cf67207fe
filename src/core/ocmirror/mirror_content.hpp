#pragma once

// What zbundle learns from oc-mirror output (oc-mirror-formats.md): one model for v1 and v2, for
// directories and tar archive sets, several inputs merged.

#include "core/ics/content_sources.hpp"
#include "core/ics/mirror_scope.hpp"
#include "core/model/mirrored_images.hpp"

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

struct Repository {
  std::map<std::string, std::string> tags; // tag -> manifest digest
  std::set<std::string> manifests;         // manifest digests (revisions)
};

struct MirrorContent {
  std::vector<InputSource> inputs;
  ics::ImageContentSources image_content_sources;
  std::vector<std::string> ics_origins; // the files the image content sources came from
  std::set<model::CatalogSource> catalogs;
  std::set<model::ClusterResource> cluster_resources;
  std::set<model::ReleaseImage> releases;
  std::map<std::string, Repository> repositories;
  std::map<std::string, std::uint64_t> blobs; // digest -> size in bytes
  // Raw ImageSetConfiguration documents (v2 `isc_<time>`) and v1 `.metadata.json`, kept for
  // deriving image content sources from a mirror-to-disk run, which carries no mirror sets.
  std::vector<std::string> image_set_configs;
  std::vector<std::string> v1_metadata;
  // What the run mirrored (v2: ISC, release image-references, file-based catalogs; v1:
  // .metadata.json associations), and why some of it cannot be mapped.
  std::set<model::CollectedImage> collected_images;
  std::set<std::string> unmapped;

  [[nodiscard]] std::uint64_t blob_bytes() const noexcept;
  [[nodiscard]] std::size_t image_count() const noexcept; // distinct manifest digests
  [[nodiscard]] std::size_t tag_count() const noexcept;
  // Catalogs by "<name>:<tag>" (last repository component and tag), so the source reference
  // from an ISC and the mirrored one from a CatalogSource count as one catalog.
  [[nodiscard]] std::set<std::string> catalog_names() const;
};

} // namespace zbundle::ocmirror
