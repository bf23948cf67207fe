#pragma once

// What a path inside registry storage stands for, in both layouts oc-mirror writes
// (oc-mirror-formats.md 1.7, 3):
//   v2: docker/registry/v2/blobs/sha256/<hh>/<hex>/data
//       docker/registry/v2/repositories/<repo>/_manifests/revisions/sha256/<hex>/link
//       docker/registry/v2/repositories/<repo>/_manifests/tags/<tag>/current/link
//   v1: [v2/<repo>/]blobs/sha256:<hex>, v2/<repo>/manifests/sha256:<hex> (a manifest, also a
//       blob), v2/<repo>/manifests/<tag> (a symlink to the manifest next to it)
//   OCI image layout: blobs/sha256/<hex>, index.json

#include <string>
#include <string_view>

namespace zbundle::oci {

enum class StoragePathKind {
  none,               // not registry storage, or a file the model does not need
  blob,               // digest = the blob's name
  malformed_blob,     // under the blob tree, but not <hh>/<64 hex>/data or sha256:<64 hex>
  revision_link,      // digest = the revision named by the path
  malformed_revision, // a revision link whose path holds no digest
  tag_link,           // repository and tag; the digest is the link's content
  v1_manifest,        // digest = the manifest's name (also a blob)
  v1_tag,             // repository and tag; the digest is the symlink's target
  layout_index,       // an OCI image layout's index.json: tags are its ref.name annotations
};

struct StoragePath {
  StoragePathKind kind = StoragePathKind::none;
  std::string repository;
  std::string tag;
  std::string digest; // "sha256:<hex>" when the path names one
};

[[nodiscard]] StoragePath classify_storage_path(std::string_view path);

} // namespace zbundle::oci
