#pragma once

// Payload paths of a bundle (bundle-schema/README.md, rule R6): what the writer may store and
// the reader accepts, checked in one place.

#include <string>
#include <string_view>

namespace zbundle::bundle {

constexpr std::string_view k_registry_tree = "registry/";
constexpr std::string_view k_oc_mirror_tree = "oc-mirror/";
constexpr std::string_view k_artifacts_tree = "artifacts/";
constexpr std::string_view k_boot_tree = "boot/";

// Why `path` is not a valid payload path, or empty when it is: under registry/, oc-mirror/,
// artifacts/ or boot/, relative, no empty, "." or ".." component, no backslash or control
// character, at most 4096 bytes with components of at most 255.
[[nodiscard]] std::string payload_path_problem(std::string_view path);

// The payload path of a registry blob: registry/docker/registry/v2/blobs/sha256/<hh>/<hex>/data.
// `digest` is "sha256:<64 hex>".
[[nodiscard]] std::string blob_entry_path(std::string_view digest);

} // namespace zbundle::bundle
