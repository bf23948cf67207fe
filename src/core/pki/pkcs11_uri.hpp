#pragma once

// PKCS#11 URIs (RFC 7512) naming a signing key on a token:
//   pkcs11:token=zbundle;object=release-2026?module-path=/usr/lib64/opencryptoki/libopencryptoki.so
// The path attributes select the token and the key; of the query, only module-path is taken.
// A PIN never travels in the URI (pin-value, pin-source are refused): it would show in ps and
// in the shell's history.

#include <optional>
#include <string>
#include <string_view>

namespace zbundle::pki {

struct Pkcs11Uri {
  // Token selection, compared with CK_TOKEN_INFO's blank-padded fields.
  std::optional<std::string> token;
  std::optional<std::string> manufacturer;
  std::optional<std::string> serial;
  std::optional<std::string> model;
  std::optional<unsigned long> slot_id;
  // Key selection: CKA_LABEL and CKA_ID (raw bytes).
  std::optional<std::string> object;
  std::optional<std::string> id;
  std::optional<std::string> module_path;
  std::string text; // as given, for messages

  // "token=zbundle;object=release" style, for messages (no query).
  [[nodiscard]] std::string describe() const;
};

// True when `text` starts with "pkcs11:" (any case of the scheme).
[[nodiscard]] bool is_pkcs11_uri(std::string_view text) noexcept;

// Parses and checks `text`. Throws Error{usage} naming the attribute: unknown or repeated
// attributes, bad percent-encoding, a type other than private or public, a PIN in the URI, a
// value over 256 bytes, neither object nor id.
[[nodiscard]] Pkcs11Uri parse_pkcs11_uri(std::string_view text);

} // namespace zbundle::pki
