#include "core/pki/chain_verifier.hpp"

#include "core/pki/openssl_error.hpp"
#include "core/pki/server_profile.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

namespace zbundle::pki {
namespace {

using util::str_cat;

struct Attempt {
  bool is_ok = false;
  int error = X509_V_OK;
  int error_depth = 0;
  std::vector<X509*> chain; // borrowed from the store context, valid while it lives
};

class Verification {
public:
  Verification(const std::vector<util::Certificate>& trusted,
               const std::vector<util::Certificate>& untrusted,
               const std::vector<util::CertificateRevocationList>& crls)
      : m_store(X509_STORE_new()), m_untrusted(sk_X509_new_null()),
        m_context(X509_STORE_CTX_new()) {
    if (!m_store || !m_untrusted || !m_context) {
      throw Error(ErrorKind::io,
                  str_cat("certificate verification: cannot start: ", openssl_error_message()));
    }
    for (const util::Certificate& certificate : trusted) {
      X509_STORE_add_cert(m_store.get(), certificate.get());
    }
    for (const util::CertificateRevocationList& crl : crls) {
      X509_STORE_add_crl(m_store.get(), crl.get());
    }
    for (const util::Certificate& certificate : untrusted) {
      X509_up_ref(certificate.get());
      sk_X509_push(m_untrusted.get(), certificate.get());
    }
    m_has_crls = !crls.empty();
  }

  Attempt run(X509* leaf, const VerifyOptions& options, std::int64_t at) {
    X509_STORE_CTX_cleanup(m_context.get());
    if (X509_STORE_CTX_init(m_context.get(), m_store.get(), leaf, m_untrusted.get()) != 1) {
      throw Error(ErrorKind::io,
                  str_cat("certificate verification: cannot start: ", openssl_error_message()));
    }
    X509_STORE_CTX_set_purpose(m_context.get(), X509_PURPOSE_SSL_SERVER);
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(m_context.get());
    unsigned long flags = X509_V_FLAG_X509_STRICT;
    if (m_has_crls) {
      flags |= X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL;
    }
    X509_VERIFY_PARAM_set_flags(param, flags);
    X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(at));
    // Host names come from subjectAltName only, never from the subject CN, and only whole
    // leftmost labels may be wildcards (RFC 6125).
    X509_VERIFY_PARAM_set_hostflags(
        param, X509_CHECK_FLAG_NEVER_CHECK_SUBJECT | X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (options.dns_name) {
      X509_VERIFY_PARAM_set1_host(param, options.dns_name->c_str(), 0);
    }
    if (options.ip_address
        && X509_VERIFY_PARAM_set1_ip_asc(param, options.ip_address->c_str()) != 1) {
      throw Error(ErrorKind::usage, str_cat(*options.ip_address, ": not an IP address"));
    }
    if (options.max_depth) {
      X509_VERIFY_PARAM_set_depth(param, *options.max_depth);
    }
    Attempt attempt;
    attempt.is_ok = X509_verify_cert(m_context.get()) == 1;
    attempt.error = X509_STORE_CTX_get_error(m_context.get());
    attempt.error_depth = X509_STORE_CTX_get_error_depth(m_context.get());
    STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(m_context.get());
    for (int i = 0; chain != nullptr && i < sk_X509_num(chain); ++i) {
      attempt.chain.push_back(sk_X509_value(chain, i));
    }
    return attempt;
  }

private:
  util::CertificateStore m_store;
  util::CertificateStack m_untrusted;
  util::CertificateStoreContext m_context;
  bool m_has_crls = false;
};

bool expires_exactly_at(const Attempt& attempt, std::int64_t at) {
  if (attempt.error != X509_V_ERR_CERT_HAS_EXPIRED || attempt.error_depth < 0
      || static_cast<std::size_t>(attempt.error_depth) >= attempt.chain.size()) {
    return false;
  }
  return certificate_time(
             X509_get0_notAfter(attempt.chain[static_cast<std::size_t>(attempt.error_depth)]))
         == at;
}

} // namespace

ChainVerification verify_server_chain(const std::vector<util::Certificate>& trusted,
                                      const std::vector<util::Certificate>& untrusted,
                                      X509* leaf,
                                      const std::vector<util::CertificateRevocationList>& crls,
                                      const VerifyOptions& options) {
  Verification verification(trusted, untrusted, crls);
  Attempt attempt = verification.run(leaf, options, options.at);
  // OpenSSL counts notAfter itself as expired; RFC 5280 makes the validity period inclusive.
  if (!attempt.is_ok && expires_exactly_at(attempt, options.at)) {
    attempt = verification.run(leaf, options, options.at - 1);
  }
  ChainVerification result;
  for (X509* certificate : attempt.chain) {
    result.chain.push_back(describe_certificate(certificate));
  }
  if (result.chain.empty()) {
    result.chain.push_back(describe_certificate(leaf));
  }
  if (!attempt.is_ok) {
    result.reason = X509_verify_cert_error_string(attempt.error);
    result.failing_index = static_cast<std::size_t>(std::max(attempt.error_depth, 0));
    if (attempt.error == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY && untrusted.empty()) {
      result.reason += " (the server may have left out an intermediate: give it with --untrusted)";
    }
    return result;
  }
  if (const std::optional<ChainProblem> problem =
          check_server_profile(attempt.chain, options.public_suffix_list_path)) {
    result.reason = problem->reason;
    result.failing_index = problem->index;
    return result;
  }
  result.is_trusted = true;
  return result;
}

} // namespace zbundle::pki
