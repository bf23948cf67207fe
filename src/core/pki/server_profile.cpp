#include "core/pki/server_profile.hpp"

#include "core/pki/certificate_rules.hpp"
#include "core/pki/server_names.hpp"
#include "core/util/handles.hpp"
#include "core/util/str_cat.hpp"

#include <openssl/bn.h>

#include <algorithm>
#include <array>

namespace zbundle::pki {
namespace {

using util::str_cat;

constexpr int k_min_rsa_bits = 2048;

std::string ascii(const ASN1_IA5STRING* text) {
  return {reinterpret_cast<const char*>(ASN1_STRING_get0_data(text)),
          static_cast<std::size_t>(ASN1_STRING_length(text))};
}

std::optional<std::string> check_key(X509* certificate) {
  EVP_PKEY* key = X509_get0_pubkey(certificate);
  if (key == nullptr) {
    return "public key does not parse";
  }
  const int bits = EVP_PKEY_get_bits(key);
  if (EVP_PKEY_is_a(key, "DSA")) {
    return "DSA keys are forbidden";
  }
  if (EVP_PKEY_is_a(key, "RSA")) {
    if (bits < k_min_rsa_bits) {
      return str_cat("RSA key of ", bits, " bits: at least 2048 are required");
    }
    if (bits % 8 != 0) {
      return str_cat("RSA key of ", bits, " bits: the modulus size must be a multiple of 8");
    }
  } else if (EVP_PKEY_is_a(key, "EC")) {
    std::array<char, 64> curve{};
    std::size_t length = 0;
    EVP_PKEY_get_utf8_string_param(key, "group", curve.data(), curve.size(), &length);
    const std::string name(curve.data(), length);
    if (name != "prime256v1" && name != "secp384r1" && name != "secp521r1") {
      return str_cat("EC key on curve ",
                     name.empty() ? std::string("unknown") : name,
                     ": P-256, P-384 or P-521 is required");
    }
  }
  return std::nullopt;
}

std::optional<std::string> check_signature(X509* certificate) {
  int digest = NID_undef;
  int key_type = NID_undef;
  if (OBJ_find_sigid_algs(X509_get_signature_nid(certificate), &digest, &key_type) == 1
      && (digest == NID_sha1 || digest == NID_md5)) {
    return str_cat("signed with ", OBJ_nid2sn(digest), ", which is refused");
  }
  const ASN1_INTEGER* serial = X509_get0_serialNumber(certificate);
  const std::unique_ptr<BIGNUM, util::FreeWith<BN_free>> number(
      ASN1_INTEGER_to_BN(serial, nullptr));
  if (number && BN_is_zero(number.get())) {
    return "serial number 0 is not allowed";
  }
  return std::nullopt;
}

std::optional<std::string> check_extensions_decode(X509* certificate) {
  for (int i = 0; i < X509_get_ext_count(certificate); ++i) {
    X509_EXTENSION* extension = X509_get_ext(certificate, i);
    if (X509V3_EXT_get(extension) == nullptr) {
      continue; // an extension OpenSSL does not know: the critical flag decides elsewhere
    }
    void* decoded = X509V3_EXT_d2i(extension);
    if (decoded == nullptr) {
      const int nid = OBJ_obj2nid(X509_EXTENSION_get_object(extension));
      return str_cat("malformed ", OBJ_nid2ln(nid), " extension");
    }
    const X509V3_EXT_METHOD* method = X509V3_EXT_get(extension);
    if (method->it != nullptr) {
      ASN1_item_free(static_cast<ASN1_VALUE*>(decoded), ASN1_ITEM_ptr(method->it));
    } else if (method->ext_free != nullptr) {
      method->ext_free(decoded);
    }
  }
  return std::nullopt;
}

// CABF 7.1.2.7.10: a server's certificate names its purpose, serverAuth, in a non-critical
// extendedKeyUsage; RFC 5280 alone would read a missing one as "any purpose".
std::optional<std::string> check_extended_key_usage(X509* leaf) {
  const int index = X509_get_ext_by_NID(leaf, NID_ext_key_usage, -1);
  if (index < 0) {
    return "it has no extendedKeyUsage: a TLS server's certificate must name serverAuth";
  }
  if (X509_EXTENSION_get_critical(X509_get_ext(leaf, index)) != 0) {
    return "its extendedKeyUsage is marked critical, which CABF 7.1.2.7.10 forbids";
  }
  const util::ExtendedKeyUsage usage(static_cast<EXTENDED_KEY_USAGE*>(
      X509_get_ext_d2i(leaf, NID_ext_key_usage, nullptr, nullptr)));
  bool has_server_auth = false;
  for (int i = 0; usage && i < sk_ASN1_OBJECT_num(usage.get()); ++i) {
    const int purpose = OBJ_obj2nid(sk_ASN1_OBJECT_value(usage.get(), i));
    if (purpose == NID_anyExtendedKeyUsage) {
      return "extendedKeyUsage includes anyExtendedKeyUsage";
    }
    has_server_auth = has_server_auth || purpose == NID_server_auth;
  }
  if (!has_server_auth) {
    return "extendedKeyUsage does not include serverAuth";
  }
  return std::nullopt;
}

std::optional<std::string> check_leaf(X509* leaf,
                                      const std::optional<std::string>& dns_name,
                                      const std::string& public_suffix_list_path) {
  // basicConstraints cA=TRUE alone decides: X509_check_ca also wants keyCertSign.
  if (X509_check_ca(leaf) != 0 || (X509_get_extension_flags(leaf) & EXFLAG_CA) != 0) {
    return "a CA certificate cannot be a TLS server's certificate";
  }
  if (std::optional<std::string> problem = check_extended_key_usage(leaf)) {
    return problem;
  }
  if (std::optional<std::string> problem =
          check_server_names(leaf, dns_name, public_suffix_list_path)) {
    return problem;
  }
  const int san_index = X509_get_ext_by_NID(leaf, NID_subject_alt_name, -1);
  if (san_index >= 0 && X509_EXTENSION_get_critical(X509_get_ext(leaf, san_index)) != 0
      && X509_NAME_entry_count(X509_get_subject_name(leaf)) > 0) {
    return "subjectAltName is critical although the subject is not empty";
  }
  if (X509_get_ext_by_NID(leaf, NID_name_constraints, -1) >= 0) {
    return "name constraints are only allowed in CA certificates";
  }
  return std::nullopt;
}

// A name the CA excludes that one of the server's wildcards could also match.
std::optional<std::string> check_constraints(X509* ca, const std::vector<std::string>& leaf_names) {
  if (X509_get_ext_by_NID(ca, NID_name_constraints, -1) < 0) {
    return std::nullopt;
  }
  const util::NameConstraints constraints(
      static_cast<NAME_CONSTRAINTS*>(X509_get_ext_d2i(ca, NID_name_constraints, nullptr, nullptr)));
  if (!constraints) {
    return "malformed name constraints";
  }
  if (sk_GENERAL_SUBTREE_num(constraints->permittedSubtrees) <= 0
      && sk_GENERAL_SUBTREE_num(constraints->excludedSubtrees) <= 0) {
    return "name constraints without any subtree";
  }
  for (int i = 0; i < sk_GENERAL_SUBTREE_num(constraints->excludedSubtrees); ++i) {
    const GENERAL_SUBTREE* subtree = sk_GENERAL_SUBTREE_value(constraints->excludedSubtrees, i);
    if (subtree->base->type != GEN_DNS) {
      continue;
    }
    const std::string excluded = ascii(subtree->base->d.dNSName);
    for (const std::string& name : leaf_names) {
      const std::string_view base =
          name.starts_with("*.") ? std::string_view(name).substr(1) : std::string_view{};
      if (!base.empty() && (excluded.ends_with(base) || str_cat(".", excluded).ends_with(base))) {
        return str_cat(
            "excludes '", excluded, "', which the server's wildcard '", name, "' may match");
      }
    }
  }
  return std::nullopt;
}

std::optional<std::string> check_anchor(X509* anchor) {
  if (X509_get_ext_by_NID(anchor, NID_ext_key_usage, -1) >= 0) {
    return "a trust anchor must not carry extendedKeyUsage";
  }
  if (X509_NAME_cmp(X509_get_subject_name(anchor), X509_get_issuer_name(anchor)) == 0) {
    return check_root_key_identifiers(anchor);
  }
  return std::nullopt;
}

} // namespace

std::optional<ChainProblem> check_server_profile(const std::vector<X509*>& chain,
                                                 const std::optional<std::string>& dns_name,
                                                 const std::string& public_suffix_list_path) {
  if (chain.empty()) {
    return ChainProblem{0, "empty chain"};
  }
  const std::size_t anchor = chain.size() - 1;
  const std::vector<std::string> leaf_names = san_dns_names(chain.front());
  for (std::size_t i = 0; i < chain.size(); ++i) {
    X509* certificate = chain[i];
    std::optional<std::string> problem = check_key(certificate);
    if (!problem) {
      problem = check_extensions_decode(certificate);
    }
    if (!problem) {
      problem = check_certificate_rules(certificate);
    }
    if (!problem && i != anchor) {
      problem = check_signature(certificate);
    }
    if (!problem && i == 0) {
      problem = check_leaf(certificate, dns_name, public_suffix_list_path);
    }
    if (!problem && i != 0) {
      problem = check_constraints(certificate, leaf_names);
    }
    if (!problem && i == anchor && i != 0) {
      problem = check_anchor(certificate);
    }
    if (problem) {
      return ChainProblem{i, std::move(*problem)};
    }
  }
  return std::nullopt;
}

} // namespace zbundle::pki
