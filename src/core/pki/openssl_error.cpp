#include "core/pki/openssl_error.hpp"

#include <openssl/err.h>

#include <array>

namespace zbundle::pki {

std::string openssl_error_message() {
  std::string message;
  while (const unsigned long code = ERR_get_error()) {
    std::array<char, 256> text{};
    ERR_error_string_n(code, text.data(), text.size());
    if (!message.empty()) {
      message += "; ";
    }
    message += text.data();
  }
  return message.empty() ? std::string("no detail") : message;
}

} // namespace zbundle::pki
