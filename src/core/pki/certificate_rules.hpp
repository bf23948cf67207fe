#pragma once

// What RFC 5280 requires of every certificate in a server's path that OpenSSL's verification
// leaves unchecked. Each rule is checked as the RFC states it, not per known bad sample.

#include <openssl/x509.h>

#include <optional>
#include <string>

namespace zbundle::pki {

// The first rule `certificate` breaks, or nullopt:
// - 4.1.2.2: a serial number of at most 20 octets;
// - 4.2.1.1: an authorityKeyIdentifier, when present, holds a keyIdentifier (and, CABF
//   7.1.2.11.1, nothing else);
// - 4.2.1.10: every dNSName subtree of a name constraint is a DNS name (no leading period,
//   no wildcard);
// - 4.2.1.11: policyConstraints is marked critical.
[[nodiscard]] std::optional<std::string> check_certificate_rules(X509* certificate);

// CABF 7.1.2.1.3, for a root (a self-issued trust anchor): an authorityKeyIdentifier, when
// present, equals its subjectKeyIdentifier.
[[nodiscard]] std::optional<std::string> check_root_key_identifiers(X509* root);

// 5.2.3: a CRL carries its CRL number; nullopt when it does.
[[nodiscard]] std::optional<std::string> check_revocation_list(X509_CRL* crl);

} // namespace zbundle::pki
