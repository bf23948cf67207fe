#include "core/pki/chain_verifier.hpp"

#include "core/pki/certificate_rules.hpp"
#include "core/pki/openssl_error.hpp"
#include "core/pki/path_builder.hpp"
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

// RFC 5280 6.1.4(n) checks keyUsage only when a CA certificate has one; X509_STRICT also
// refuses a CA without it, which `openssl req -x509` makes by default.
int accept_missing_key_usage(int is_ok, X509_STORE_CTX* context) {
  return is_ok != 0 || X509_STORE_CTX_get_error(context) == X509_V_ERR_CA_CERT_MISSING_KEY_USAGE
             ? 1
             : 0;
}

// One run of OpenSSL's validation. Every certificate of `trusted` is a trust anchor, self-signed
// or not (RFC 5280 6.1.1(d)); the chain it builds borrows the caller's certificates.
class Verification {
public:
  Verification(const std::vector<X509*>& trusted,
               const std::vector<X509*>& untrusted,
               const std::vector<util::CertificateRevocationList>& crls)
      : m_store(X509_STORE_new()), m_untrusted(sk_X509_new_null()), m_context(X509_STORE_CTX_new()),
        m_has_crls(!crls.empty()) {
    if (!m_store || !m_untrusted || !m_context) {
      throw Error(ErrorKind::io,
                  str_cat("certificate verification: cannot start: ", openssl_error_message()));
    }
    for (X509* certificate : trusted) {
      X509_STORE_add_cert(m_store.get(), certificate);
    }
    for (const util::CertificateRevocationList& crl : crls) {
      X509_STORE_add_crl(m_store.get(), crl.get());
    }
    for (X509* certificate : untrusted) {
      X509_up_ref(certificate);
      sk_X509_push(m_untrusted.get(), certificate);
    }
  }

  Attempt run(X509* leaf, const VerifyOptions& options, std::int64_t at) {
    X509_STORE_CTX_cleanup(m_context.get());
    if (X509_STORE_CTX_init(m_context.get(), m_store.get(), leaf, m_untrusted.get()) != 1) {
      throw Error(ErrorKind::io,
                  str_cat("certificate verification: cannot start: ", openssl_error_message()));
    }
    X509_STORE_CTX_set_purpose(m_context.get(), X509_PURPOSE_SSL_SERVER);
    X509_STORE_CTX_set_verify_cb(m_context.get(), accept_missing_key_usage);
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(m_context.get());
    unsigned long flags = X509_V_FLAG_X509_STRICT | X509_V_FLAG_PARTIAL_CHAIN;
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

Attempt validate(const std::vector<X509*>& trusted,
                 const std::vector<X509*>& untrusted,
                 X509* leaf,
                 const std::vector<util::CertificateRevocationList>& crls,
                 const VerifyOptions& options) {
  Verification verification(trusted, untrusted, crls);
  Attempt attempt = verification.run(leaf, options, options.at);
  // OpenSSL counts notAfter itself as expired; RFC 5280 makes the validity period inclusive.
  if (!attempt.is_ok && expires_exactly_at(attempt, options.at)) {
    attempt = verification.run(leaf, options, options.at - 1);
  }
  return attempt;
}

// RFC 5280 6.1.4(l): a self-issued intermediate (a CA's own re-keyed or renewed certificate)
// does not count toward the path length, so neither toward the verifier's maximum depth.
std::optional<ChainProblem> check_depth(const std::vector<X509*>& chain, std::optional<int> max) {
  int counted = 0;
  for (std::size_t i = 1; max && i + 1 < chain.size(); ++i) {
    if (X509_NAME_cmp(X509_get_subject_name(chain[i]), X509_get_issuer_name(chain[i])) != 0
        && ++counted > *max) {
      return ChainProblem{
          i, str_cat("certificate chain too long: more than ", *max, " intermediate CAs")};
    }
  }
  return std::nullopt;
}

// A CRL that decides a certificate of the path must itself be well-formed.
std::optional<ChainProblem>
check_revocation_lists(const std::vector<X509*>& chain,
                       const std::vector<util::CertificateRevocationList>& crls) {
  for (std::size_t i = 0; i + 1 < chain.size(); ++i) {
    for (const util::CertificateRevocationList& crl : crls) {
      if (X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_issuer_name(chain[i])) != 0) {
        continue;
      }
      if (std::optional<std::string> problem = check_revocation_list(crl.get())) {
        return ChainProblem{i, std::move(*problem)};
      }
    }
  }
  return std::nullopt;
}

ChainVerification judge(const Attempt& attempt,
                        X509* leaf,
                        const std::vector<util::CertificateRevocationList>& crls,
                        const VerifyOptions& options,
                        bool has_intermediates) {
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
    if (attempt.error == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY && !has_intermediates) {
      result.reason += " (the server may have left out an intermediate: give it with --untrusted)";
    }
    return result;
  }
  std::optional<ChainProblem> problem = check_depth(attempt.chain, options.max_depth);
  if (!problem) {
    problem = check_revocation_lists(attempt.chain, crls);
  }
  if (!problem) {
    problem =
        check_server_profile(attempt.chain, options.dns_name, options.public_suffix_list_path);
  }
  if (problem) {
    result.reason = std::move(problem->reason);
    result.failing_index = problem->index;
    return result;
  }
  result.is_trusted = true;
  return result;
}

std::vector<X509*> borrow(const std::vector<util::Certificate>& certificates) {
  std::vector<X509*> pointers;
  pointers.reserve(certificates.size());
  for (const util::Certificate& certificate : certificates) {
    pointers.push_back(certificate.get());
  }
  return pointers;
}

} // namespace

ChainVerification verify_server_chain(const std::vector<util::Certificate>& trusted,
                                      const std::vector<util::Certificate>& untrusted,
                                      X509* leaf,
                                      const std::vector<util::CertificateRevocationList>& crls,
                                      const VerifyOptions& options) {
  const std::vector<X509*> anchors = borrow(trusted);
  const std::vector<X509*> intermediates = borrow(untrusted);
  // Each path the certificates allow is validated alone, with only its own anchor and
  // intermediates, so OpenSSL cannot wander onto another; the first that passes every rule
  // wins. When none does, the first (the most direct) says why.
  std::optional<ChainVerification> first_failure;
  for (const std::vector<X509*>& path : candidate_paths(leaf, anchors, intermediates)) {
    const std::vector<X509*> anchor{path.back()};
    const std::vector<X509*> between = path.size() > 2
                                           ? std::vector<X509*>(path.begin() + 1, path.end() - 1)
                                           : std::vector<X509*>{};
    ChainVerification result = judge(validate(anchor, between, leaf, crls, options),
                                     leaf,
                                     crls,
                                     options,
                                     !intermediates.empty());
    if (result.is_trusted) {
      return result;
    }
    if (!first_failure) {
      first_failure = std::move(result);
    }
  }
  if (first_failure) {
    return std::move(*first_failure);
  }
  // No path reaches an anchor: OpenSSL's own attempt on everything says where it breaks.
  return judge(validate(anchors, intermediates, leaf, crls, options),
               leaf,
               crls,
               options,
               !intermediates.empty());
}

} // namespace zbundle::pki
