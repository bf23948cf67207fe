#pragma once

// What RFC 5280 requires of every certificate in a server's path that OpenSSL's verification
// leaves unchecked. Each rule is checked as the RFC states it, not per known bad sample.

#include <openssl/x509.h>

#include <optional>
#include <string>

namespace zbundle::pki {

// The first rule `certificate` breaks, or nullopt:
// - 4.1.2.2: a serial number of at most 20 octets;
// - 4.2.1.1: an authorityKeyIdentifier, when present, holds a keyIdentifier;
// - 4.2.1.10: every dNSName subtree of a name constraint is a DNS name (no leading period,
//   no wildcard);
// - 4.2.1.11: policyConstraints is marked critical.
[[nodiscard]] std::optional<std::string> check_certificate_rules(X509* certificate);

} // namespace zbundle::pki
