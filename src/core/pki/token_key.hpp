#pragma once

// Signing keys kept on a PKCS#11 token (a Crypto Express card through openCryptoki, an HSM,
// SoftHSM in tests): found by RFC 7512 URI, used through the C API, never extracted. The
// statically linked builds cannot load a module and refuse every call with the reason.

#include "core/pki/pkcs11_uri.hpp"
#include "core/pki/signing_key.hpp"

#include <filesystem>
#include <string>

namespace zbundle::pki {

struct TokenOptions {
  std::filesystem::path module; // empty: the URI's module-path, else default_module
  std::string pin;
};

// The signing key `uri` names, logged in. Throws Error{usage} in a static build, Error{input}
// for a missing module, token or key, a wrong PIN, a key type zbundle does not sign with, or
// a token without the mechanism the key needs (checked here, before anything is written).
[[nodiscard]] SigningKey open_token_key(const Pkcs11Uri& uri, const TokenOptions& options);

// Generates a key pair of `type` on the token, labelled with the URI's object (and its id, or
// a random one), private half sensitive and not extractable; returns the key id. Refuses when
// the token already holds a key with that label or id.
std::string generate_token_key(const Pkcs11Uri& uri, KeyType type, const TokenOptions& options);

} // namespace zbundle::pki
