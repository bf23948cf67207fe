#pragma once

// Connects to a TLS server and takes the certificate chain it sends, without judging it (the
// chain verifier does that, against the CA given, never the system store by accident).
// Name resolution does not use glibc's NSS, which a static binary cannot load on the bastion:
// an IP literal, an explicit --resolve address, or /etc/hosts.

#include "core/util/handles.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace zbundle::pki {

struct ProbeTarget {
  std::string host; // as given; SNI and the name to check
  std::uint16_t port = 443;
  std::optional<std::string> address; // --resolve: connect here instead of resolving host
  int timeout_seconds = 10;
  std::filesystem::path hosts_file = "/etc/hosts";
};

// Parses HOST:PORT or [IPv6]:PORT. Throws Error{usage}.
[[nodiscard]] ProbeTarget parse_probe_target(const std::string& text);

// The address to connect to. Throws Error{input} when the name cannot be resolved.
[[nodiscard]] std::string resolve_probe_address(const ProbeTarget& target);

// The server's chain, leaf first. Throws Error{check} naming host and port when the
// connection or the handshake fails or times out.
[[nodiscard]] std::vector<util::Certificate> fetch_server_chain(const ProbeTarget& target);

} // namespace zbundle::pki
