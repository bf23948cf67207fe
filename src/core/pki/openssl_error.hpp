#pragma once

#include <string>

namespace zbundle::pki {

// Drains OpenSSL's error queue into one message ("no detail" when it is empty), so each
// failing call is translated once, where it is made.
[[nodiscard]] std::string openssl_error_message();

} // namespace zbundle::pki
