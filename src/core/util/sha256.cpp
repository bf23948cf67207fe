#include "core/util/sha256.hpp"

#include "core/util/error.hpp"
#include "core/util/hex.hpp"
#include "core/util/str_cat.hpp"

#include <array>

namespace zbundle::util {

Sha256::Sha256() : m_context(EVP_MD_CTX_new()) {
  if (!m_context || EVP_DigestInit_ex(m_context.get(), EVP_sha256(), nullptr) != 1) {
    throw Error(ErrorKind::io, "sha256: cannot start the digest");
  }
}

void Sha256::update(std::span<const std::byte> bytes) {
  if (EVP_DigestUpdate(m_context.get(), bytes.data(), bytes.size()) != 1) {
    throw Error(ErrorKind::io, "sha256: digest update failed");
  }
}

std::optional<Sha256Digest> Sha256Digest::from_hex(std::string_view hex) {
  Sha256Digest digest;
  if (!is_lower_hex(hex, digest.bytes.size() * 2)) {
    return std::nullopt;
  }
  const auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (std::size_t i = 0; i < digest.bytes.size(); ++i) {
    digest.bytes[i] = static_cast<unsigned char>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
  }
  return digest;
}

Sha256Digest Sha256Digest::from_digest(std::string_view digest) {
  constexpr std::string_view k_prefix = "sha256:";
  if (digest.starts_with(k_prefix)) {
    if (const std::optional<Sha256Digest> parsed = from_hex(digest.substr(k_prefix.size()))) {
      return *parsed;
    }
  }
  throw Error(ErrorKind::input, str_cat(digest, ": not a sha256:<64 hex> digest"));
}

std::string Sha256Digest::hex() const {
  return to_hex(bytes);
}

std::string Sha256::finish() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(m_context.get(), digest.data(), &length) != 1) {
    throw Error(ErrorKind::io, "sha256: digest final failed");
  }
  return "sha256:" + to_hex(std::span(digest.data(), length));
}

} // namespace zbundle::util
