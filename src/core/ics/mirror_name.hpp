#pragma once

// The mirror registry's name, one grammar everywhere: HOST[:PORT][/NAMESPACE...]
// (docs/design.md, "Names of the mirror registry"). HOST is a DNS name, an IPv4 address or a
// bracketed IPv6 address. Each encoding of the host has its own function, because each
// consumer spells it differently.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zbundle::ics {

struct MirrorName {
  std::string host;                  // "mirror.example", "10.0.0.1" or "[fd00::1]"
  std::optional<std::uint16_t> port; // absent when the name has none
  std::string name_space;            // "" or "a/b", below the registry

  // "host[:port]": the registry part of image references.
  [[nodiscard]] std::string registry() const;
  // "host[:port][/namespace]": where mirrored repositories live.
  [[nodiscard]] std::string location() const;
  // Key in the additionalTrustedCA ConfigMap: "host..port" (':' is not allowed in keys).
  // Throws Error{input} for an IPv6 host, which no ConfigMap key can spell.
  [[nodiscard]] std::string configmap_key() const;
  // Directory name below /etc/containers/certs.d/: "host:port" with the literal colon.
  [[nodiscard]] std::string certs_d_directory() const;
  // Key in a containers auth file, `auths."host:port"`.
  [[nodiscard]] std::string auth_file_key() const;
};

// The registry a bundle made without --mirror points its sources at (RFC 6761 reserves the
// .invalid top-level domain); the bastion moves them to its own registry.
inline constexpr std::string_view k_placeholder_mirror = "mirror.invalid";

// Parses and validates HOST[:PORT][/NAMESPACE...]. Throws Error{usage} naming `text` and the
// part that is wrong (such names come from the command line).
[[nodiscard]] MirrorName parse_mirror_name(std::string_view text);

// Replaces the registry of `location` ("host[:port]/path") by `mirror`, keeping the path:
// "old.example:5000/openshift/release" -> "new.example:8443/ns/openshift/release".
[[nodiscard]] std::string rewrite_mirror_location(std::string_view location,
                                                  const MirrorName& mirror);

// oc-mirror's --max-nested-paths (oc-mirror-formats.md 2.3), for registries that limit how deep
// a repository path may be: a `path` of more than `max_nested_paths` components keeps the first
// max_nested_paths - 1 and joins the rest with '-' into the last ("a/b/c/d", 2 -> "a/b-c-d").
// 0 means no limit. Applying it twice changes nothing.
inline constexpr unsigned k_max_nested_paths = 64; // a sane bound on the option and the manifest
[[nodiscard]] std::string limit_nested_paths(std::string_view path, unsigned max_nested_paths);

// The same rule on the repository of `reference` ("host[:port]/path[:tag|@digest]"); the host
// and the tag or digest are kept.
[[nodiscard]] std::string limit_reference_nested_paths(std::string_view reference,
                                                       unsigned max_nested_paths);

} // namespace zbundle::ics
