// The signed manifest's parser (bundle-schema): what a bundle's head holds once the signature is
// past, for a signer that is hostile.
#include "core/bundle/manifest.hpp"
#include "fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return zbundle::fuzz::refuse_or_accept([&] {
    const zbundle::bundle::Manifest manifest =
        zbundle::bundle::parse_manifest(zbundle::fuzz::as_text(data, size));
    // What parses must serialize and parse back to itself.
    if (zbundle::bundle::parse_manifest(zbundle::bundle::serialize_manifest(manifest))
        != manifest) {
      __builtin_trap();
    }
  });
}
