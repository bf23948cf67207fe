#pragma once

// Verifies a TLS server certificate chain the way the bastion's container runtime will use
// it, and stricter: OpenSSL 3 path validation (serverAuth purpose, X.509 strict, basic
// constraints, path length, key usage, name constraints, CRLs when given) plus the checks of
// server_profile.hpp that a TLS server check must add (host names never from the subject CN,
// forbidden keys and signatures, malformed names and extensions). Validity is inclusive of
// notAfter, as RFC 5280 says.

#include "core/pki/certificate_file.hpp"
#include "core/util/handles.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace zbundle::pki {

struct VerifyOptions {
  std::optional<std::string> dns_name;   // the name the client connects to
  std::optional<std::string> ip_address; // or the address
  std::int64_t at = 0;                   // validation time, Unix seconds
  std::optional<int> max_depth;          // OpenSSL's verify depth
  // Public suffix list (publicsuffix.org format) to refuse wildcards on public suffixes;
  // empty when none is available.
  std::string public_suffix_list_path;
};

struct ChainVerification {
  bool is_trusted = false;
  std::string reason;                       // why not; empty when trusted
  std::optional<std::size_t> failing_index; // position in `chain` (0 = the server's certificate)
  std::vector<CertificateInfo> chain;       // leaf first, as far as it could be built
};

// Verifies `leaf` (with `untrusted` intermediates) against `trusted` only. A chain that is not
// trusted is a result, not an exception; throws Error{io} only when OpenSSL cannot run.
[[nodiscard]] ChainVerification
verify_server_chain(const std::vector<util::Certificate>& trusted,
                    const std::vector<util::Certificate>& untrusted,
                    X509* leaf,
                    const std::vector<util::CertificateRevocationList>& crls,
                    const VerifyOptions& options);

} // namespace zbundle::pki
