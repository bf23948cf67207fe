#pragma once

// Trust in a bundle signer through a CA instead of a pinned key (bundle-schema/README.md
// section 4, rule R4): the chain shipped as ZBUNDLE/signer.pem must verify to the given root,
// its leaf must be for code signing and carry the pinned signer name.

#include "core/pki/signing_key.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace zbundle::pki {

// Verifies `chain_pem` (leaf first, intermediates after) against the certificates of `root`
// at time `at`: OpenSSL path validation (X.509 strict), extended key usage codeSigning on the
// leaf, and a subject CN or DNS SAN equal to `signer_name`. Returns the leaf's public key.
// Throws Error{check} naming `subject` and the reason; Error{input} for an unreadable root.
[[nodiscard]] VerifyingKey verify_signer_chain(std::string_view chain_pem,
                                               std::string_view subject,
                                               const std::filesystem::path& root,
                                               const std::string& signer_name,
                                               std::int64_t at);

// The signing key's certificate chain from `file` (PEM, leaf first), as create ships it in
// ZBUNDLE/signer.pem. Throws Error{usage} naming `option` when its first certificate is not
// for `key`; Error{input} when the file cannot be read or holds no certificate.
[[nodiscard]] std::string load_signer_chain(const std::filesystem::path& file,
                                            const SigningKey& key,
                                            std::string_view option);

} // namespace zbundle::pki
