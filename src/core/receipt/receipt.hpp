#pragma once

// The day-2 receipt: what the bastion's registry holds below a namespace, signed on the
// bastion, so the connected side can build the next bundle from what is really there rather
// than from what it believes it sent (docs/day-2.md).
//
// On disk, one JSON document:
//   {"mediaType": "application/vnd.zbundle.receipt.v1+json",
//    "body": <base64 of the body's exact bytes>, "keyId": <hex>, "signature": <base64>}
// The signature is the bundle signature of the key's type (bundle-schema section 4) over the
// body's bytes; the body is JSON with its own mediaType
// ("application/vnd.zbundle.receipt.body.v1+json"), so neither can pass for a bundle
// manifest. A receipt's id is the SHA-256 of the body's bytes.

#include "core/model/held_images.hpp"
#include "core/pki/signing_key.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace zbundle::receipt {

inline constexpr std::string_view k_receipt_media_type = "application/vnd.zbundle.receipt.v1+json";
inline constexpr std::string_view k_body_media_type =
    "application/vnd.zbundle.receipt.body.v1+json";

// A bundle the bastion's sequence records for the target (the last one per trust).
struct AppliedBundle {
  std::string id;
  std::string created;
};

struct Receipt {
  std::string registry;   // host[:port]
  std::string name_space; // below it; may be empty
  std::string created;    // RFC 3339 UTC, seconds
  // "registry[/namespace]", as ics::MirrorName::location() spells it.
  [[nodiscard]] std::string location() const {
    return name_space.empty() ? registry : registry + "/" + name_space;
  }
  std::vector<AppliedBundle> bundles;
  model::Inventory inventory;
  // Set by read_receipt:
  std::string key_id; // of the key that signed it
  std::string id;     // sha256:<hex> of the body
};

// The signed document for `receipt`. Throws Error{io} when the key cannot sign.
[[nodiscard]] std::string write_receipt(const Receipt& receipt, const pki::SigningKey& key);

// Reads a signed receipt: the signature is checked with `key` before the body is parsed, then
// every name, tag and digest against its grammar. Throws Error{check} naming `subject` for a
// receipt that is not one, not signed by `key`, or altered.
[[nodiscard]] Receipt
read_receipt(std::string_view text, std::string_view subject, const pki::VerifyingKey& key);

} // namespace zbundle::receipt
