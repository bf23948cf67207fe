#pragma once

// Where Linux distributions keep their system trust: the PEM bundle OpenSSL clients read, and
// the anchors directory an administrator adds a CA to, with the command that rebuilds the
// bundle. One list for verify-ca --system-ca (read the bundle) and apply (add an anchor).
// Asked explicitly because OpenSSL's built-in default paths are those of the build machine.

#include <array>
#include <filesystem>
#include <optional>
#include <string_view>

namespace zbundle::pki {

struct TrustStoreLayout {
  std::string_view family;         // "RHEL ca-trust", "Debian ca-certificates", ...
  std::string_view bundle;         // the extracted PEM bundle, relative to the root
  std::string_view anchors;        // where a CA is added; empty when the family has none we use
  std::string_view update_command; // rebuilds `bundle` from the anchors
};

// In the order they are tried: RHEL-like first (also where Debian may carry a compatibility
// copy), then Debian-like, then the older and SUSE paths.
inline constexpr std::array k_trust_store_layouts{
    TrustStoreLayout{"RHEL ca-trust",
                     "etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
                     "etc/pki/ca-trust/source/anchors",
                     "update-ca-trust"},
    TrustStoreLayout{"Debian ca-certificates",
                     "etc/ssl/certs/ca-certificates.crt",
                     "usr/local/share/ca-certificates",
                     "update-ca-certificates"},
    TrustStoreLayout{"RHEL 7 tls", "etc/pki/tls/certs/ca-bundle.crt", "", ""},
    TrustStoreLayout{"SUSE", "etc/ssl/ca-bundle.pem", "", ""},
};

// The first system bundle that exists under `root`; nullopt when none does.
[[nodiscard]] std::optional<std::filesystem::path>
find_system_bundle(const std::filesystem::path& root = "/");

// The first layout whose anchors directory exists under `root`; nullopt when none does.
[[nodiscard]] std::optional<TrustStoreLayout> find_anchor_store(const std::filesystem::path& root);

// The system's public suffix list (publicsuffix.org format), for wildcard checks; nullopt when
// none is installed.
[[nodiscard]] std::optional<std::filesystem::path> find_public_suffix_list();

} // namespace zbundle::pki
