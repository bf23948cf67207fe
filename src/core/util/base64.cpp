#include "core/util/base64.hpp"

#include <openssl/evp.h>

#include <climits>

namespace zbundle::util {

std::optional<std::string> decode_base64(std::string_view text, std::size_t limit) {
  if (text.size() % 4 != 0 || text.size() / 4 * 3 > limit || text.size() > INT_MAX) {
    return std::nullopt;
  }
  std::string decoded(text.size() / 4 * 3, '\0');
  const int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                                     reinterpret_cast<const unsigned char*>(text.data()),
                                     static_cast<int>(text.size()));
  if (length < 0) {
    return std::nullopt;
  }
  // EVP_DecodeBlock counts the padding as zero bytes
  std::size_t padding = 0;
  for (std::size_t i = text.size(); i > 0 && text[i - 1] == '=' && padding < 2; --i) {
    ++padding;
  }
  decoded.resize(static_cast<std::size_t>(length) - padding);
  return decoded;
}

std::string encode_base64(std::string_view bytes) {
  std::string encoded((bytes.size() + 2) / 3 * 4 + 1, '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                     reinterpret_cast<const unsigned char*>(bytes.data()),
                                     static_cast<int>(bytes.size()));
  encoded.resize(static_cast<std::size_t>(length));
  return encoded;
}

} // namespace zbundle::util
