#pragma once

// The PKCS#11 C API as p11-kit's header declares it, in its GNU spelling: the compatibility
// spelling defines macros such as `value` and `count` that would rewrite every later use of
// those words. Included only by the pkcs11_* and token_key sources.

#define CRYPTOKI_GNU 1 // NOLINT(cppcoreguidelines-macro-usage): the header's own switch
#include <p11-kit/pkcs11.h>

#include <string>

namespace zbundle::pki {

// "CKR_PIN_INCORRECT" and the like for the return values a user may meet, else the number.
[[nodiscard]] std::string pkcs11_return_name(ck_rv_t value);

} // namespace zbundle::pki
