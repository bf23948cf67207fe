#pragma once

// Certification path building (RFC 4158), bounded. OpenSSL builds one path from a server's
// certificate and, when that path fails, does not look for another: an intermediate issued
// twice (cross-signed, re-issued under another root), a trust anchor that is itself an
// intermediate, or a cross-signing cycle can hide a valid path it never tries. This lists the
// paths the certificates allow, so each can be validated on its own.

#include <openssl/x509.h>

#include <cstddef>
#include <vector>

namespace zbundle::pki {

struct PathLimits {
  std::size_t max_paths = 16;   // candidate paths returned
  std::size_t max_length = 12;  // certificates in one path, leaf and anchor included
  std::size_t max_steps = 4096; // issuer candidates examined in all, against path explosion
};

// Paths from `leaf` to a certificate of `trusted`, leaf first and trust anchor last, each
// certificate issued (by name and key identifier, X509_check_issued) by the next; no
// certificate twice in a path. Shorter paths and trusted issuers come first. A leaf that is
// itself trusted is a path of one. Signatures, validity and extensions are not judged here.
[[nodiscard]] std::vector<std::vector<X509*>> candidate_paths(X509* leaf,
                                                              const std::vector<X509*>& trusted,
                                                              const std::vector<X509*>& untrusted,
                                                              const PathLimits& limits = {});

} // namespace zbundle::pki
