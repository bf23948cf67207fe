#pragma once

#include "core/util/handles.hpp"

#include <cstddef>
#include <span>
#include <string>

namespace zbundle::util {

// Streaming SHA-256 through OpenSSL EVP: feed chunks as they pass, read the digest once.
class Sha256 {
public:
  Sha256();
  void update(std::span<const std::byte> bytes);
  // "sha256:<64 hex>"; the hasher cannot be fed afterwards.
  [[nodiscard]] std::string finish();

private:
  DigestContext m_context;
};

} // namespace zbundle::util
