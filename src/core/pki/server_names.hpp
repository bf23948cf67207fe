#pragma once

// The names a TLS server's certificate carries, judged as the CA/Browser Forum's Baseline
// Requirements and webpki judge them. OpenSSL has already matched the peer name against
// subjectAltName (never against the subject CN); these rules catch certificates that name a
// host in a way some client would read differently.

#include <openssl/x509.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zbundle::pki {

// The dNSName entries of the certificate's subjectAltName, as written.
[[nodiscard]] std::vector<std::string> san_dns_names(X509* certificate);

// The first problem with the names of the server's certificate `leaf`, or nothing:
//   every DNS name in subjectAltName is a valid host name (a wildcard only as a whole leftmost
//     label);
//   a wildcard over a public suffix never matches: when `dns_name` (the peer name) is covered
//     only by such a wildcard, the certificate does not name it (RFC 9525 6.3, CABF 3.2.2.6);
//   a subject CN that a legacy client could read as a host (a DNS name, or an IP address in any
//     notation inet_aton or inet_pton accept) or that holds non-ASCII text is a
//     character-for-character copy of a subjectAltName value, an IPv4 address in dotted-decimal
//     and an IPv6 address in RFC 5952 form (CABF 7.1.4.3); only one CN. A descriptive CN
//     ("Mirror Registry") names no host and is left alone.
[[nodiscard]] std::optional<std::string>
check_server_names(X509* leaf,
                   const std::optional<std::string>& dns_name,
                   const std::string& public_suffix_list_path);

// True for a syntactically valid DNS host name, optionally with one leading "*." label.
[[nodiscard]] bool is_valid_dns_name(std::string_view name) noexcept;

} // namespace zbundle::pki
