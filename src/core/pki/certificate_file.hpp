#pragma once

// PEM files of certificates and CRLs, as CA bundles, chains and peers come.

#include "core/util/handles.hpp"

#include <cstdint>
#include <ctime>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace zbundle::pki {

// Every certificate in a PEM file, in order. Throws Error{input} naming the file: unreadable,
// a PEM block that does not parse (with its number), or no certificate at all.
[[nodiscard]] std::vector<util::Certificate> load_certificates(const std::filesystem::path& path);

// The same for PEM text; `subject` names it in messages.
[[nodiscard]] std::vector<util::Certificate> parse_certificates(std::string_view text,
                                                                std::string_view subject);

// Every CRL in a PEM file. Throws Error{input} like load_certificates.
[[nodiscard]] std::vector<util::CertificateRevocationList>
load_crls(const std::filesystem::path& path);

// What a person needs to know of a certificate.
struct CertificateInfo {
  std::string subject; // RFC 2253, e.g. "CN=Mirror Intermediate CA,O=Example"
  std::string issuer;
  std::string not_before; // RFC 3339, UTC
  std::string not_after;
  std::string fingerprint; // sha256 of the DER, lower-case hex
  bool is_ca = false;
};

[[nodiscard]] CertificateInfo describe_certificate(X509* certificate);

// Seconds since the epoch of a certificate time; throws Error{input} for an unreadable time.
[[nodiscard]] std::int64_t certificate_time(const ASN1_TIME* time);

// Parses an RFC 3339 time ("2026-01-01T00:00:00Z", offsets and fractions allowed; fractions
// are dropped, as certificate times have whole seconds) or Unix seconds ("1767225600" or
// "@1767225600"). Throws Error{usage} naming the text.
[[nodiscard]] std::int64_t parse_time(const std::string& text);

// "2026-01-01T00:00:00Z".
[[nodiscard]] std::string format_time(std::int64_t seconds);

} // namespace zbundle::pki
