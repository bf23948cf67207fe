#include "core/util/sha256.hpp"

#include "core/util/error.hpp"
#include "core/util/hex.hpp"

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

std::string Sha256::finish() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(m_context.get(), digest.data(), &length) != 1) {
    throw Error(ErrorKind::io, "sha256: digest final failed");
  }
  return "sha256:" + to_hex(std::span(digest.data(), length));
}

} // namespace zbundle::util
