// PEM certificates and CA bundles, as verify-ca and apply read them; then the same
// certificates as a presented chain (the first the server's, the last the trust anchor, those
// between as intermediates, in the order given), through path building and the server profile.
#include "core/pki/ca_bundle.hpp"
#include "core/pki/certificate_file.hpp"
#include "core/pki/chain_verifier.hpp"
#include "fuzz_target.hpp"

namespace {

constexpr std::int64_t k_now = 1767225600; // 2026-01-01

zbundle::util::Certificate share(const zbundle::util::Certificate& certificate) {
  X509_up_ref(certificate.get());
  return zbundle::util::Certificate(certificate.get());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return zbundle::fuzz::refuse_or_accept([&] {
    const auto certificates =
        zbundle::pki::parse_certificates(zbundle::fuzz::as_text(data, size), "fuzz.pem");
    (void)zbundle::pki::check_ca_bundle(certificates, k_now, 30);
    if (certificates.empty()) {
      return;
    }
    std::vector<zbundle::util::Certificate> trusted;
    trusted.push_back(share(certificates.back()));
    std::vector<zbundle::util::Certificate> intermediates;
    for (std::size_t i = 1; i + 1 < certificates.size(); ++i) {
      intermediates.push_back(share(certificates[i]));
    }
    zbundle::pki::VerifyOptions options;
    options.dns_name = "mirror.test";
    options.at = k_now;
    options.max_depth = 2;
    (void)zbundle::pki::verify_server_chain(
        trusted, intermediates, certificates.front().get(), {}, options);
  });
}
