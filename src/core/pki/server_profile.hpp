#pragma once

// The TLS server profile (CA/Browser Forum, as webpki applies it) on a chain that OpenSSL has
// already built and accepted. Each rule catches something stock `openssl verify` accepts:
//   every certificate: no DSA keys, EC only on P-256/P-384/P-521, RSA of 2048 bits or more and
//     a multiple of 8; no extension that fails to decode;
//   every certificate but the trust anchor: no SHA-1 or MD5 signature, no serial number 0;
//   the server's certificate: not a CA, a non-critical EKU that names serverAuth (and not
//     anyExtendedKeyUsage), the names of server_names.hpp, a critical subjectAltName only with
//     an empty subject, no name constraints;
//   CA certificates: name constraints with at least one subtree, and no wildcard name of the
//     server that could reach a name a CA excludes (CVE-2025-61727);
//   the trust anchor: no extendedKeyUsage (CABF 7.1.2.1.2).

#include <openssl/x509.h>

#include <optional>
#include <string>
#include <vector>

namespace zbundle::pki {

struct ChainProblem {
  std::size_t index; // 0 = the server's certificate
  std::string reason;
};

// The first problem of `chain` (leaf first, trust anchor last), or nothing.
[[nodiscard]] std::optional<ChainProblem>
check_server_profile(const std::vector<X509*>& chain,
                     const std::optional<std::string>& dns_name,
                     const std::string& public_suffix_list_path);

} // namespace zbundle::pki
