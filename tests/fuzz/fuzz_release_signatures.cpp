// The verification-signature ConfigMaps of an oc-mirror tree (YAML, or v1's JSON): the
// signature names and base64 values read before any of it reaches gpgv.
#include "core/check/openpgp_signatures.hpp"
#include "fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return zbundle::fuzz::refuse_or_accept([&] {
    const zbundle::model::ClusterResource resource{"ConfigMap",
                                                   "mirrored-release-signatures",
                                                   "fuzz.yaml",
                                                   std::string(zbundle::fuzz::as_text(data, size))};
    (void)zbundle::check::openpgp_signatures_in({resource});
  });
}
