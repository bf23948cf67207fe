#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace zbundle::util {

// RFC 1123 host name: dot-separated labels of 1-63 ASCII letters, digits and inner hyphens,
// 253 characters at most. No trailing dot, no wildcard.
[[nodiscard]] bool is_dns_name(std::string_view name) noexcept;

// True for an IPv4 or IPv6 literal (brackets not included), which certificates name in an IP
// SAN rather than a DNS one.
[[nodiscard]] bool is_ip_literal(std::string_view host) noexcept;

// True when `text` parses as an IPv4 or IPv6 address (inet_pton), so it can be connected to
// without any name lookup.
[[nodiscard]] bool is_ip_address(const std::string& text) noexcept;

// The address `file` (an /etc/hosts) gives `host`, compared without case; nullopt when none.
// Read by zbundle itself: a static binary cannot count on glibc's NSS modules on the bastion.
[[nodiscard]] std::optional<std::string> lookup_hosts_file(const std::filesystem::path& file,
                                                           std::string_view host);

// An address for `host`: from `file` first, then the system's resolver (DNS); nullopt when
// neither knows it.
[[nodiscard]] std::optional<std::string> resolve_host(const std::filesystem::path& file,
                                                      const std::string& host);

} // namespace zbundle::util
