#pragma once

// The head of a bundle (bundle-schema/README.md section 4, rules R1-R5): the manifest, its
// signature and, for CA trust, the signer's chain, read and checked before anything else is
// parsed. Internal to the bundle reader.

#include "core/bundle/bundle_reader.hpp"
#include "core/bundle/member_stream.hpp"

#include <memory>
#include <string>

namespace zbundle::bundle::detail {

struct SignedHead {
  Manifest manifest;
  std::shared_ptr<const pki::VerifyingKey> key; // null when reading without trust (inspect)
  std::string signer;                           // "Ed25519 key <id>" or the certificate's name
  std::size_t members = 2;                      // head members: 3 with a signer chain
  std::string manifest_sha256;                  // of its exact bytes, which the index names
};

// Reads the head from `stream`, verifies the signature with `trust` (none: informational) and
// parses the manifest; sets the stream's `created`. Throws Error{check} naming the member for
// every R1-R5 violation.
[[nodiscard]] SignedHead read_signed_head(MemberStream& stream, const Trust& trust);

// From here on, each frame of `stream` may decompress only to what the manifest lists for its
// member (R10). `head` must outlive the stream's reading.
void limit_payload_frames(MemberStream& stream, const SignedHead& head);

} // namespace zbundle::bundle::detail
