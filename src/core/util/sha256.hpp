#pragma once

#include "core/util/handles.hpp"

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace zbundle::util {

// A SHA-256 value as its 32 bytes: a manifest of 100k entries keeps one per entry, and the
// hex text would cost three times as much.
struct Sha256Digest {
  std::array<unsigned char, 32> bytes{};

  // nullopt unless `hex` is exactly 64 lower-case hex characters.
  [[nodiscard]] static std::optional<Sha256Digest> from_hex(std::string_view hex);
  // From "sha256:<64 hex>" as Sha256::finish and OCI descriptors write it; throws otherwise.
  [[nodiscard]] static Sha256Digest from_digest(std::string_view digest);
  [[nodiscard]] std::string hex() const;
  friend bool operator==(const Sha256Digest&, const Sha256Digest&) = default;
};

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
