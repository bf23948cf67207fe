#pragma once

// verify-ca as one call: load the CA bundle and check it, add the system store when asked,
// take the presented chain from a file or from a live TLS server, and verify it for the name
// the client will use. The command lines only turn options into a request and print the result.

#include "core/pki/ca_bundle.hpp"
#include "core/pki/chain_verifier.hpp"
#include "core/pki/tls_probe.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace zbundle::pki {

struct VerifyCaRequest {
  std::filesystem::path ca;                       // the trusted CA bundle (PEM)
  std::optional<std::filesystem::path> untrusted; // intermediates the server may leave out
  std::vector<std::filesystem::path> crls;
  bool use_system_store = false; // also trust the system's bundle (system_trust.hpp)
  int min_days = 30;             // CA certificates expiring sooner are flagged
  // The presented chain: a PEM file (leaf first, more certificates are intermediates), or what
  // a live server sends. Exactly one of them.
  std::optional<std::filesystem::path> certificate;
  std::optional<ProbeTarget> probe;
  // Validation time, name, depth; without a name a probe checks the name it connected to, and
  // without a public suffix list the system's is used when there is one.
  VerifyOptions verify;
};

struct VerifyCaResult {
  ChainVerification verification;
  std::string subject;             // the certificate file, or "host:port"
  std::vector<BundleEntry> bundle; // the check of the CA bundle itself
};

// Runs the request. An untrusted chain is a result, not an exception; throws Error{usage} for a
// request that names no chain or two, Error{input} for files that cannot be read (or no system
// store with use_system_store), Error{io} for a probe that cannot connect.
[[nodiscard]] VerifyCaResult verify_ca(VerifyCaRequest request);

// Connects to `target` and verifies the chain it presents against `trusted` only, for the name
// it was reached by (or `options`' name when one is set), as the container runtime will. Throws
// Error{io} for a server that cannot be reached or sends no certificate.
[[nodiscard]] ChainVerification verify_live_server(const ProbeTarget& target,
                                                   const std::vector<util::Certificate>& trusted,
                                                   VerifyOptions options);

} // namespace zbundle::pki
