#include "core/pki/certificate_rules.hpp"

#include "core/util/handles.hpp"
#include "core/util/host_name.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/untrusted_text.hpp"

#include <openssl/x509v3.h>

#include <string_view>

namespace zbundle::pki {
namespace {

constexpr int k_max_serial_octets = 20;

std::optional<std::string> check_serial(X509* certificate) {
  const ASN1_INTEGER* serial = X509_get0_serialNumber(certificate);
  if (serial != nullptr && ASN1_STRING_length(serial) > k_max_serial_octets) {
    return util::str_cat("its serial number is ",
                         ASN1_STRING_length(serial),
                         " octets long, more than RFC 5280's 20");
  }
  return std::nullopt;
}

// RFC 5280 4.2.1.1: an authorityKeyIdentifier names the issuer's key; CABF 7.1.2.11.1 lets
// it do so by keyIdentifier alone. (A missing one X509_STRICT refuses below the trust anchor;
// the anchor is an input to path validation, RFC 5280 6.1.1(d), whatever its own issuer.)
std::optional<std::string> check_authority_key_id(X509* certificate) {
  if (X509_get_ext_by_NID(certificate, NID_authority_key_identifier, -1) < 0) {
    return std::nullopt;
  }
  const util::AuthorityKeyId id(static_cast<AUTHORITY_KEYID*>(
      X509_get_ext_d2i(certificate, NID_authority_key_identifier, nullptr, nullptr)));
  if (!id || id->keyid == nullptr) {
    return "its authorityKeyIdentifier has no keyIdentifier";
  }
  if (id->issuer != nullptr || id->serial != nullptr) {
    return "its authorityKeyIdentifier names the issuer by name and serial number, which CABF "
           "7.1.2.11.1 forbids";
  }
  return std::nullopt;
}

std::optional<std::string> check_subtrees(const STACK_OF(GENERAL_SUBTREE) * subtrees) {
  for (int i = 0; i < sk_GENERAL_SUBTREE_num(subtrees); ++i) {
    const GENERAL_SUBTREE* subtree = sk_GENERAL_SUBTREE_value(subtrees, i);
    if (subtree->base->type != GEN_DNS) {
      continue;
    }
    const ASN1_IA5STRING* text = subtree->base->d.dNSName;
    const std::string_view name(reinterpret_cast<const char*>(ASN1_STRING_get0_data(text)),
                                static_cast<std::size_t>(ASN1_STRING_length(text)));
    if (!name.empty() && !util::is_dns_name(name)) {
      return util::str_cat(
          "a name constraint holds '", util::printable(name), "', which is not a DNS name");
    }
  }
  return std::nullopt;
}

std::optional<std::string> check_name_constraints(X509* certificate) {
  if (X509_get_ext_by_NID(certificate, NID_name_constraints, -1) < 0) {
    return std::nullopt;
  }
  const util::NameConstraints constraints(static_cast<NAME_CONSTRAINTS*>(
      X509_get_ext_d2i(certificate, NID_name_constraints, nullptr, nullptr)));
  if (!constraints) {
    return "malformed name constraints";
  }
  if (std::optional<std::string> problem = check_subtrees(constraints->permittedSubtrees)) {
    return problem;
  }
  return check_subtrees(constraints->excludedSubtrees);
}

std::optional<std::string> check_policy_constraints(X509* certificate) {
  const int index = X509_get_ext_by_NID(certificate, NID_policy_constraints, -1);
  if (index >= 0 && X509_EXTENSION_get_critical(X509_get_ext(certificate, index)) == 0) {
    return "its policyConstraints extension is not marked critical";
  }
  return std::nullopt;
}

} // namespace

std::optional<std::string> check_certificate_rules(X509* certificate) {
  for (const auto check :
       {check_serial, check_authority_key_id, check_name_constraints, check_policy_constraints}) {
    if (std::optional<std::string> problem = check(certificate)) {
      return problem;
    }
  }
  return std::nullopt;
}

std::optional<std::string> check_root_key_identifiers(X509* root) {
  const ASN1_OCTET_STRING* authority = X509_get0_authority_key_id(root);
  const ASN1_OCTET_STRING* subject = X509_get0_subject_key_id(root);
  if (authority != nullptr && subject != nullptr
      && ASN1_OCTET_STRING_cmp(authority, subject) != 0) {
    return "its authorityKeyIdentifier differs from its own subjectKeyIdentifier, though it "
           "signs itself";
  }
  return std::nullopt;
}

std::optional<std::string> check_revocation_list(X509_CRL* crl) {
  const std::unique_ptr<ASN1_INTEGER, util::FreeWith<ASN1_INTEGER_free>> number(
      static_cast<ASN1_INTEGER*>(X509_CRL_get_ext_d2i(crl, NID_crl_number, nullptr, nullptr)));
  if (!number) {
    return "the CRL that decides it has no CRL number, which RFC 5280 5.2.3 requires";
  }
  return std::nullopt;
}

} // namespace zbundle::pki
