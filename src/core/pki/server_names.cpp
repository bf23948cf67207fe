#include "core/pki/server_names.hpp"

#include "core/util/handles.hpp"
#include "core/util/host_name.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/untrusted_text.hpp"

#include <openssl/x509v3.h>

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <set>

namespace zbundle::pki {
namespace {

using util::str_cat;

std::string lowercase(std::string_view text) {
  std::string lower(text);
  std::transform(
      lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower;
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
  const std::string lower = lowercase(domain);
  if (rules.contains(lower)) {
    return true;
  }
  const std::size_t dot = lower.find('.');
  return dot != std::string::npos && rules.contains(str_cat("*", lower.substr(dot)))
         && !rules.contains(str_cat("!", lower));
}

// RFC 9525 6.3: names compare without case; a wildcard stands for exactly the leftmost label.
bool name_matches(std::string_view presented, std::string_view host) {
  if (!presented.starts_with("*.")) {
    return lowercase(presented) == lowercase(host);
  }
  const std::size_t dot = host.find('.');
  return dot != std::string_view::npos && dot > 0
         && lowercase(presented.substr(1)) == lowercase(host.substr(dot));
}

// The subjectAltName values as text, IP addresses in their canonical form: dotted-decimal,
// RFC 5952 for IPv6 (glibc's inet_ntop writes lower case and shortens the first longest run
// of two or more zero groups, as RFC 5952 4.2 asks).
std::vector<std::string> san_texts(X509* certificate) {
  std::vector<std::string> texts = san_dns_names(certificate);
  const util::GeneralNames san(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; san && i < sk_GENERAL_NAME_num(san.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(san.get(), i);
    if (name->type != GEN_IPADD) {
      continue;
    }
    const ASN1_OCTET_STRING* address = name->d.iPAddress;
    const int length = ASN1_STRING_length(address);
    if (length != 4 && length != 16) {
      continue;
    }
    std::array<char, INET6_ADDRSTRLEN> text{};
    if (inet_ntop(length == 4 ? AF_INET : AF_INET6,
                  ASN1_STRING_get0_data(address),
                  text.data(),
                  text.size())
        != nullptr) {
      texts.emplace_back(text.data());
    }
  }
  return texts;
}

bool is_a_label_name(const std::string& lower) {
  return lower.starts_with("xn--") || lower.find(".xn--") != std::string::npos;
}

// A CN that could be a spelling of an address: anything the C library parses as one (hex,
// octal, leading zeros, upper-case or uncompressed IPv6).
bool spells_an_address(const std::string& text) {
  in_addr address4{};
  in6_addr address6{};
  return inet_aton(text.c_str(), &address4) != 0
         || inet_pton(AF_INET6, text.c_str(), &address6) == 1;
}

// CABF 7.1.4.3 wants the CN to be a copy of a subjectAltName value, so that a client still
// reading the CN reads the same name. A CN outside subjectAltName is refused where it makes
// two readings possible: an address in any spelling but the canonical one, or a host name
// spelt as a near-copy of a SAN (other letter case, a U-label or an A-label the SAN lacks).
std::optional<std::string> check_common_name(X509* leaf) {
  const X509_NAME* subject = X509_get_subject_name(leaf);
  const std::vector<std::string> names = san_texts(leaf);
  int count = 0;
  for (int i = X509_NAME_get_index_by_NID(subject, NID_commonName, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(subject, NID_commonName, i)) {
    if (++count > 1) {
      return "the subject holds more than one CN";
    }
    const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i));
    const std::string common_name(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                                  static_cast<std::size_t>(ASN1_STRING_length(value)));
    if (std::find(names.begin(), names.end(), common_name) != names.end()) {
      continue;
    }
    const std::string lower = lowercase(common_name);
    const bool is_non_ascii =
        std::any_of(common_name.begin(), common_name.end(), [](char c) { return (c & 0x80) != 0; });
    const bool differs_in_case = std::any_of(
        names.begin(), names.end(), [&](const auto& name) { return lowercase(name) == lower; });
    if (is_non_ascii || is_a_label_name(lower) || differs_in_case) {
      return str_cat("subject CN '",
                     util::printable(common_name),
                     "' is not a character-for-character copy of a subjectAltName entry");
    }
    if (spells_an_address(common_name)) {
      return str_cat("subject CN '",
                     util::printable(common_name),
                     "' is an address but not one of the subjectAltName addresses as written "
                     "canonically (dotted-decimal, or RFC 5952 for IPv6)");
    }
  }
  return std::nullopt;
}

// The peer name must be reached through a subjectAltName other than a wildcard over a public
// suffix, which a CA may not issue and a client must not honour.
std::optional<std::string> check_wildcard_reach(const std::vector<std::string>& names,
                                                const std::string& host,
                                                const std::string& public_suffix_list_path) {
  std::optional<std::string> suffix_wildcard;
  for (const std::string& name : names) {
    if (!name_matches(name, host)) {
      continue;
    }
    if (!name.starts_with("*.")
        || !is_public_suffix(std::string_view(name).substr(2), public_suffix_list_path)) {
      return std::nullopt;
    }
    suffix_wildcard = name;
  }
  if (suffix_wildcard) {
    return str_cat("'",
                   host,
                   "' is covered only by the wildcard '",
                   *suffix_wildcard,
                   "', which spans a public suffix and matches nothing");
  }
  return std::nullopt;
}

} // namespace

std::vector<std::string> san_dns_names(X509* certificate) {
  std::vector<std::string> names;
  const util::GeneralNames san(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; san && i < sk_GENERAL_NAME_num(san.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(san.get(), i);
    if (name->type == GEN_DNS) {
      names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(name->d.dNSName)),
                         static_cast<std::size_t>(ASN1_STRING_length(name->d.dNSName)));
    }
  }
  return names;
}

std::optional<std::string> check_server_names(X509* leaf,
                                              const std::optional<std::string>& dns_name,
                                              const std::string& public_suffix_list_path) {
  const std::vector<std::string> names = san_dns_names(leaf);
  for (const std::string& name : names) {
    if (!is_valid_dns_name(name)) {
      return str_cat("subjectAltName holds an invalid DNS name '", util::printable(name), "'");
    }
  }
  if (dns_name) {
    if (std::optional<std::string> problem =
            check_wildcard_reach(names, *dns_name, public_suffix_list_path)) {
      return problem;
    }
  }
  return check_common_name(leaf);
}

bool is_valid_dns_name(std::string_view name) noexcept {
  if (name.starts_with("*.")) {
    name.remove_prefix(2);
  }
  return util::is_dns_name(name);
}

} // namespace zbundle::pki
