#include "core/oci/storage_path.hpp"

#include "core/ics/image_ref.hpp"
#include "core/util/str_cat.hpp"

namespace zbundle::oci {
namespace {

using util::str_cat;

std::string_view after(std::string_view text, std::string_view prefix) noexcept {
  return text.substr(0, prefix.size()) == prefix ? text.substr(prefix.size()) : std::string_view{};
}

// Splits "<repo>/<marker>/<rest>" at the first marker component ("_manifests", "manifests").
bool split_repository(std::string_view path,
                      std::string_view marker,
                      std::string_view& repository,
                      std::string_view& rest) {
  const std::string needle = str_cat("/", marker, "/");
  const std::size_t at = path.find(needle);
  if (at == std::string_view::npos || at == 0) {
    return false;
  }
  repository = path.substr(0, at);
  rest = path.substr(at + needle.size());
  return true;
}

StoragePath blob_named(std::string_view hex) {
  if (!ics::is_sha256_hex(hex)) {
    return {StoragePathKind::malformed_blob, {}, {}, {}};
  }
  return {StoragePathKind::blob, {}, {}, str_cat("sha256:", hex)};
}

StoragePath classify_v2(std::string_view rest) {
  if (const std::string_view blob = after(rest, "blobs/sha256/"); !blob.empty()) {
    if (!blob.ends_with("/data")) {
      return {};
    }
    // <hh>/<hex>/data
    const std::string_view hex =
        blob.size() > 8 ? blob.substr(3, blob.size() - 8) : std::string_view{};
    if (blob.size() < 3 || blob[2] != '/' || blob.substr(0, 2) != hex.substr(0, 2)) {
      return {StoragePathKind::malformed_blob, {}, {}, {}};
    }
    return blob_named(hex);
  }
  std::string_view repository;
  std::string_view manifests;
  if (!split_repository(after(rest, "repositories/"), "_manifests", repository, manifests)
      || !manifests.ends_with("/link")) {
    return {}; // _layers and _uploads links carry nothing the model needs
  }
  if (const std::string_view revision = after(manifests, "revisions/sha256/"); !revision.empty()) {
    const std::string_view hex = revision.substr(0, revision.size() - 5);
    if (!ics::is_sha256_hex(hex)) {
      return {StoragePathKind::malformed_revision, std::string(repository), {}, {}};
    }
    return {StoragePathKind::revision_link, std::string(repository), {}, str_cat("sha256:", hex)};
  }
  if (const std::string_view tag = after(manifests, "tags/"); tag.ends_with("/current/link")) {
    return {StoragePathKind::tag_link,
            std::string(repository),
            std::string(tag.substr(0, tag.size() - 13)),
            {}};
  }
  return {};
}

StoragePath classify_v1(std::string_view path) {
  // Flat or per-repository blobs: [v2/<repo>/]blobs/sha256:<hex>
  const std::size_t blob_at = path.rfind("blobs/sha256:");
  if (blob_at != std::string_view::npos && (blob_at == 0 || path[blob_at - 1] == '/')) {
    return blob_named(path.substr(blob_at + 13));
  }
  std::string_view repository;
  std::string_view name;
  if (!split_repository(after(path, "v2/"), "manifests", repository, name)
      || name.find('/') != std::string_view::npos) {
    return {};
  }
  if (ics::is_sha256_digest(name)) {
    return {StoragePathKind::v1_manifest, std::string(repository), {}, std::string(name)};
  }
  return {StoragePathKind::v1_tag, std::string(repository), std::string(name), {}};
}

} // namespace

StoragePath classify_storage_path(std::string_view path) {
  if (const std::string_view rest = after(path, "docker/registry/v2/"); !rest.empty()) {
    return classify_v2(rest);
  }
  if (const std::string_view hex = after(path, "blobs/sha256/"); !hex.empty()) {
    return blob_named(hex); // OCI image layout
  }
  if (path == "index.json") {
    return {StoragePathKind::layout_index, {}, {}, {}};
  }
  if (path.starts_with("v2/") || path.starts_with("blobs/")) {
    return classify_v1(path);
  }
  return {};
}

} // namespace zbundle::oci
