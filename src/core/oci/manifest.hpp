#pragma once

// OCI image manifests and indexes, and their Docker equivalents (schema 2 manifest and
// manifest list), as registry storage keeps them: JSON blobs that name other blobs by
// descriptor {mediaType, digest, size} (OCI image-spec manifest.md, image-index.md).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zbundle::oci {

enum class ManifestKind {
  oci_manifest,         // application/vnd.oci.image.manifest.v1+json
  oci_index,            // application/vnd.oci.image.index.v1+json
  docker_manifest,      // application/vnd.docker.distribution.manifest.v2+json
  docker_manifest_list, // application/vnd.docker.distribution.manifest.list.v2+json
  docker_schema1,       // schemaVersion 1: names layers without sizes; not verifiable
};

struct Descriptor {
  std::string media_type;
  std::string digest;
  std::uint64_t size = 0;
  std::string platform;    // "linux/s390x" for index entries that say, else empty
  bool is_foreign = false; // nondistributable/foreign layer, or one with urls
};

struct Manifest {
  ManifestKind kind = ManifestKind::oci_manifest;
  // The media type a descriptor naming this manifest must carry: its own mediaType field, or
  // the one its kind has when the field is absent (OCI allows that).
  std::string media_type;
  std::optional<Descriptor> config;
  std::vector<Descriptor> layers;   // image manifests
  std::vector<Descriptor> children; // indexes and manifest lists
  [[nodiscard]] bool is_index() const noexcept {
    return kind == ManifestKind::oci_index || kind == ManifestKind::docker_manifest_list;
  }
  // The blobs an image manifest references: its config, then its layers.
  [[nodiscard]] std::vector<const Descriptor*> blobs() const;
};

// Parses a manifest or index. Throws Error{input} naming `subject` when the JSON is broken or
// is not a manifest (no schemaVersion, a descriptor without digest or size).
[[nodiscard]] Manifest parse_manifest(std::string_view json, std::string_view subject);

// The manifests an OCI image layout's index.json names, each with the tag its
// org.opencontainers.image.ref.name annotation gives (or its digest when it has none).
// Throws Error{input} naming `subject`, as parse_manifest does.
struct LayoutEntry {
  Descriptor descriptor;
  std::string tag;
};
[[nodiscard]] std::vector<LayoutEntry> parse_layout_index(std::string_view json,
                                                          std::string_view subject);

// The media type of `kind` (schema 1: the signed Docker one).
[[nodiscard]] std::string_view media_type_name(ManifestKind kind) noexcept;

// The "architecture" of an image config blob, or empty.
[[nodiscard]] std::string config_architecture(std::string_view json);

} // namespace zbundle::oci
