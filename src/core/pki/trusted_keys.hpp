#pragma once

// A trusted-key directory (zbundle-extract --trust-dir): every *.pub in it is a signer's
// public key. Keys rotate by adding the new key's file before the first bundle it signs and
// removing the old one after the last bundle it signed is applied; the rollback sequence
// belongs to the directory, not to a key (bundle/sequence.hpp).

#include "core/pki/signing_key.hpp"

#include <filesystem>
#include <memory>
#include <vector>

namespace zbundle::pki {

struct TrustedKey {
  std::filesystem::path file;
  std::shared_ptr<const VerifyingKey> key;
};

// The keys of `directory`, by file name. Throws Error{input} naming the file or directory:
// unreadable, not a directory, no *.pub in it, more than 64, or a file that is not a public
// key zbundle verifies with (a broken trust configuration is never skipped silently).
[[nodiscard]] std::vector<TrustedKey> load_trusted_keys(const std::filesystem::path& directory);

} // namespace zbundle::pki
