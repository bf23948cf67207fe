// A whole bundle as zbundle-extract verify reads it: the outer tar, the zstd frames, the signed
// head, the manifest, then every payload member against it. The trusted key is the PEM public
// key named by ZB_FUZZ_PUBKEY (scripts/fuzz.sh signs its seed bundle with the matching private
// key, so mutations past the signed head reach the payload's framing and checks); without it, a
// key made here that signed nothing, and only the way to the signature check is exercised.
#include "core/pki/signing_key.hpp"
#include "read_bundle.hpp"

#include <openssl/evp.h>

#include <cstdlib>

namespace {

zbundle::bundle::Trust fuzz_trust() {
  zbundle::bundle::Trust trust;
  if (const char* path = std::getenv("ZB_FUZZ_PUBKEY")) {
    trust.key = std::make_shared<zbundle::pki::VerifyingKey>(std::filesystem::path(path));
  } else {
    trust.key = std::make_shared<zbundle::pki::VerifyingKey>(
        zbundle::util::PublicKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")), "fuzz key");
  }
  return trust;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const zbundle::bundle::Trust trust = fuzz_trust();
  static zbundle::fuzz::InputFile input;
  const std::filesystem::path path = input.hold(data, size);
  return zbundle::fuzz::read_whole_bundle(path, trust);
}
