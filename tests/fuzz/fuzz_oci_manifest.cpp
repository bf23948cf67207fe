// Image manifests, indexes and an OCI layout's index.json, as a mirror or a registry holds them.
#include "core/oci/manifest.hpp"
#include "fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = zbundle::fuzz::as_text(data, size);
  (void)zbundle::fuzz::refuse_or_accept([&] { (void)zbundle::oci::parse_manifest(text, "fuzz"); });
  return zbundle::fuzz::refuse_or_accept(
      [&] { (void)zbundle::oci::parse_layout_index(text, "index.json"); });
}
