#pragma once

// Image references as oc-mirror writes them: an optional transport prefix (`docker://`,
// `oci://`, `oci:`, `file://`), a registry host with optional port, a repository path,
// an optional `:tag` and an optional `@sha256:<hex>` digest.

#include <string>
#include <string_view>

namespace zbundle::ics {

struct ImageRef {
  std::string transport;  // "docker", "oci" or "file"; empty when the reference had none
  std::string registry;   // host[:port]; empty for oci/file transports
  std::string repository; // path below the registry, e.g. "openshift/release"
  std::string tag;        // empty when absent
  std::string digest;     // "sha256:<64 hex>" or empty

  // "registry/repository", the form image content sources use.
  [[nodiscard]] std::string location() const;
  [[nodiscard]] bool has_digest() const noexcept { return !digest.empty(); }
};

// Parses one reference. Docker Hub short names get `docker.io` and `library/`, and so does a
// single-component name on docker.io (`docker.io/nginx`), as containers/image normalizes them.
// Throws Error{input}: "<text>: not an image reference: <why>".
[[nodiscard]] ImageRef parse_image_ref(std::string_view text);

// distribution's repository name grammar: components of [a-z0-9]+ joined by '.', '_', '__'
// or '-'s, separated by '/', at most 255 characters. No component is "." or "..".
[[nodiscard]] bool is_repository_path(std::string_view path) noexcept;

// distribution's tag grammar: [A-Za-z0-9_][A-Za-z0-9._-]{0,127}.
[[nodiscard]] bool is_tag(std::string_view tag) noexcept;

// True for "sha256:" followed by 64 lower-case hex digits.
[[nodiscard]] bool is_sha256_digest(std::string_view text) noexcept;

// True for 64 lower-case hex digits.
[[nodiscard]] bool is_sha256_hex(std::string_view text) noexcept;

// Parent path of a repository location ("a/b/c" -> "a/b"); empty when it has one component.
[[nodiscard]] std::string_view parent_path(std::string_view location) noexcept;

} // namespace zbundle::ics
