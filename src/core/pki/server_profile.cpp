#include "core/pki/server_profile.hpp"

#include "core/pki/certificate_rules.hpp"
#include "core/util/handles.hpp"
#include "core/util/host_name.hpp"
#include "core/util/str_cat.hpp"

#include <openssl/bn.h>

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <set>

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

bool is_public_suffix(std::string_view domain, const std::string& list_path) {
  if (list_path.empty()) {
    return false;
  }
  static std::string loaded_path;
  static std::set<std::string, std::less<>> rules;
  if (loaded_path != list_path) {
    rules.clear();
    std::ifstream list(list_path);
    for (std::string line; std::getline(list, line);) {
      if (!line.empty() && line.back() == '\r') {
        line.pop_back();
      }
      if (!line.empty() && !line.starts_with("//") && line.find(' ') == std::string::npos) {
        rules.insert(line);
      }
    }
    loaded_path = list_path;
  }
  const std::string lower = [&] {
    std::string text(domain);
    std::transform(
        text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
  }();
  if (rules.contains(lower)) {
    return true;
  }
  const std::size_t dot = lower.find('.');
  return dot != std::string::npos && rules.contains(str_cat("*", lower.substr(dot)))
         && !rules.contains(str_cat("!", lower));
}

std::vector<std::string> dns_names(X509* certificate) {
  std::vector<std::string> names;
  const util::GeneralNames san(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; san && i < sk_GENERAL_NAME_num(san.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(san.get(), i);
    if (name->type == GEN_DNS) {
      names.push_back(ascii(name->d.dNSName));
    }
  }
  return names;
}

std::vector<std::string> san_texts(X509* certificate) {
  std::vector<std::string> texts = dns_names(certificate);
  const util::GeneralNames san(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; san && i < sk_GENERAL_NAME_num(san.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(san.get(), i);
    if (name->type == GEN_IPADD) {
      const util::BasicIo bio(BIO_new(BIO_s_mem()));
      std::array<char, 64> text{};
      const ASN1_OCTET_STRING* address = name->d.iPAddress;
      const int family = ASN1_STRING_length(address) == 4 ? AF_INET : AF_INET6;
      if (inet_ntop(family, ASN1_STRING_get0_data(address), text.data(), text.size()) != nullptr) {
        texts.emplace_back(text.data());
      }
    }
  }
  return texts;
}

// CABF BR 7.1.4.3: a subject CN naming a host must be a character-for-character copy of a
// subjectAltName entry. Clients never match against the CN (hostflags), so what is refused
// here are near-copies that show a mis-issued certificate: a different letter case, an
// internationalized name as U-label, or an A-label the SANs do not hold. Other CNs (a
// descriptive "Mirror Registry", or a name next to IP-only SANs) are left alone.
std::optional<std::string> check_common_name(X509* leaf) {
  const X509_NAME* subject = X509_get_subject_name(leaf);
  const std::vector<std::string> names = san_texts(leaf);
  const auto lower = [](std::string text) {
    std::transform(
        text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
  };
  for (int i = X509_NAME_get_index_by_NID(subject, NID_commonName, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(subject, NID_commonName, i)) {
    const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i));
    const std::string common_name(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                                  static_cast<std::size_t>(ASN1_STRING_length(value)));
    if (std::find(names.begin(), names.end(), common_name) != names.end()) {
      continue;
    }
    const bool is_non_ascii =
        std::any_of(common_name.begin(), common_name.end(), [](char c) { return (c & 0x80) != 0; });
    const bool has_a_label = lower(common_name).starts_with("xn--")
                             || lower(common_name).find(".xn--") != std::string::npos;
    const bool differs_in_case =
        std::any_of(names.begin(), names.end(), [&](const std::string& name) {
          return lower(name) == lower(common_name);
        });
    if (is_non_ascii || has_a_label || differs_in_case) {
      return str_cat("subject CN '",
                     common_name,
                     "' is not a character-for-character copy of a subjectAltName entry");
    }
  }
  return std::nullopt;
}

std::optional<std::string> check_leaf(X509* leaf, const std::string& public_suffix_list_path) {
  // basicConstraints cA=TRUE alone decides: X509_check_ca also wants keyCertSign.
  if (X509_check_ca(leaf) != 0 || (X509_get_extension_flags(leaf) & EXFLAG_CA) != 0) {
    return "a CA certificate cannot be a TLS server's certificate";
  }
  if (X509_get_extension_flags(leaf) & EXFLAG_XKUSAGE) {
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
  }
  for (const std::string& name : dns_names(leaf)) {
    if (!is_valid_dns_name(name)) {
      return str_cat("subjectAltName holds an invalid DNS name '", name, "'");
    }
    if (name.starts_with("*.")
        && is_public_suffix(std::string_view(name).substr(2), public_suffix_list_path)) {
      return str_cat("wildcard '", name, "' covers a public suffix");
    }
  }
  if (std::optional<std::string> problem = check_common_name(leaf)) {
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

} // namespace

bool is_valid_dns_name(std::string_view name) noexcept {
  if (name.starts_with("*.")) {
    name.remove_prefix(2);
  }
  return util::is_dns_name(name);
}

std::optional<ChainProblem> check_server_profile(const std::vector<X509*>& chain,
                                                 const std::string& public_suffix_list_path) {
  if (chain.empty()) {
    return ChainProblem{0, "empty chain"};
  }
  const std::size_t anchor = chain.size() - 1;
  const std::vector<std::string> leaf_names = dns_names(chain.front());
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
      problem = check_leaf(certificate, public_suffix_list_path);
    }
    if (!problem && i != 0) {
      problem = check_constraints(certificate, leaf_names);
    }
    if (!problem && i == anchor && i != 0
        && X509_get_ext_by_NID(certificate, NID_ext_key_usage, -1) >= 0) {
      problem = "a trust anchor must not carry extendedKeyUsage";
    }
    if (problem) {
      return ChainProblem{i, std::move(*problem)};
    }
  }
  return std::nullopt;
}

} // namespace zbundle::pki
