#pragma once

// Credentials cross the air gap only encrypted: CMS AuthEnvelopedData (RFC 5083) to the
// bastion's certificate, AES-256-GCM, RSA-OAEP-SHA-256 or ECDH key agreement, PEM. Stock
// OpenSSL 3 `openssl cms -decrypt -inform PEM` opens it.

#include "core/util/handles.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace zbundle::pki {

// Encrypts `plaintext` to `recipient` (an RSA or EC key; `subject` names it in errors).
// Throws Error{input} when the certificate's key cannot receive CMS (e.g. Ed25519).
[[nodiscard]] std::string
encrypt_for(std::string_view plaintext, X509* recipient, std::string_view subject);

// Decrypts what encrypt_for wrote with the recipient's certificate and private key (PEM
// files). Throws Error{check} naming `subject` when it is not for this key or was altered;
// Error{input} when the key or certificate cannot be read.
[[nodiscard]] std::string decrypt_with(std::string_view cms_pem,
                                       std::string_view subject,
                                       const std::filesystem::path& certificate,
                                       const std::filesystem::path& private_key);

} // namespace zbundle::pki
