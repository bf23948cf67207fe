// PEM certificates and CA bundles, as verify-ca and apply read them.
#include "core/pki/ca_bundle.hpp"
#include "core/pki/certificate_file.hpp"
#include "fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return zbundle::fuzz::refuse_or_accept([&] {
    const auto certificates =
        zbundle::pki::parse_certificates(zbundle::fuzz::as_text(data, size), "fuzz.pem");
    (void)zbundle::pki::check_ca_bundle(certificates, 1767225600, 30);
  });
}
