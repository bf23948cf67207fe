#include "core/pki/verify_ca.hpp"

#include "core/pki/certificate_file.hpp"
#include "core/pki/system_trust.hpp"
#include "core/util/error.hpp"
#include "core/util/host_name.hpp"
#include "core/util/str_cat.hpp"

namespace zbundle::pki {
namespace {

using util::str_cat;

std::vector<util::Certificate> trusted_certificates(const VerifyCaRequest& request,
                                                    std::vector<BundleEntry>& bundle) {
  std::vector<util::Certificate> trusted = load_certificates(request.ca);
  bundle = check_ca_bundle(trusted, request.verify.at, request.min_days);
  if (request.use_system_store) {
    const std::optional<std::filesystem::path> system_store = find_system_bundle();
    if (!system_store) {
      throw Error(ErrorKind::input,
                  "--system-ca: no system trust store found in /etc/pki or /etc/ssl");
    }
    for (util::Certificate& certificate : load_certificates(*system_store)) {
      trusted.push_back(std::move(certificate));
    }
  }
  return trusted;
}

std::vector<util::CertificateRevocationList> revocation_lists(const VerifyCaRequest& request) {
  std::vector<util::CertificateRevocationList> crls;
  for (const std::filesystem::path& path : request.crls) {
    for (util::CertificateRevocationList& crl : load_crls(path)) {
      crls.push_back(std::move(crl));
    }
  }
  return crls;
}

// A probe checks the name it connected to, as the container runtime will, unless another was
// asked for.
void name_the_target(VerifyOptions& options, const ProbeTarget& target) {
  if (!options.dns_name && !options.ip_address) {
    (util::is_ip_literal(target.host) ? options.ip_address : options.dns_name) = target.host;
  }
}

// The first presented certificate is the server's; the rest join the intermediates.
ChainVerification verify_presented(const std::vector<util::Certificate>& trusted,
                                   std::vector<util::Certificate> presented,
                                   std::vector<util::Certificate> untrusted,
                                   const std::vector<util::CertificateRevocationList>& crls,
                                   const VerifyOptions& options) {
  if (presented.empty()) {
    throw Error(ErrorKind::input, "no certificate presented");
  }
  for (std::size_t i = 1; i < presented.size(); ++i) {
    untrusted.push_back(std::move(presented[i]));
  }
  return verify_server_chain(trusted, untrusted, presented.front().get(), crls, options);
}

} // namespace

VerifyCaResult verify_ca(VerifyCaRequest request) {
  if (request.certificate.has_value() == request.probe.has_value()) {
    throw Error(ErrorKind::usage, "verify-ca: give either a certificate file or --probe HOST:PORT");
  }
  if (request.verify.dns_name && request.verify.ip_address) {
    throw Error(ErrorKind::usage, "verify-ca: give --host or --ip, not both");
  }
  if (request.verify.public_suffix_list_path.empty()) {
    if (const std::optional<std::filesystem::path> list = find_public_suffix_list()) {
      request.verify.public_suffix_list_path = list->string();
    }
  }
  VerifyCaResult result;
  const std::vector<util::Certificate> trusted = trusted_certificates(request, result.bundle);
  std::vector<util::Certificate> untrusted;
  if (request.untrusted) {
    untrusted = load_certificates(*request.untrusted);
  }
  const std::vector<util::CertificateRevocationList> crls = revocation_lists(request);
  if (request.probe) {
    name_the_target(request.verify, *request.probe);
    result.verification = verify_presented(
        trusted, fetch_server_chain(*request.probe), std::move(untrusted), crls, request.verify);
    result.subject = str_cat(request.probe->host, ":", static_cast<unsigned>(request.probe->port));
  } else {
    result.verification = verify_presented(trusted,
                                           load_certificates(*request.certificate),
                                           std::move(untrusted),
                                           crls,
                                           request.verify);
    result.subject = request.certificate->string();
  }
  return result;
}

ChainVerification verify_live_server(const ProbeTarget& target,
                                     const std::vector<util::Certificate>& trusted,
                                     VerifyOptions options) {
  name_the_target(options, target);
  return verify_presented(trusted, fetch_server_chain(target), {}, {}, options);
}

} // namespace zbundle::pki
