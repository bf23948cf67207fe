#include "core/pki/certificate_file.hpp"

#include "core/pki/openssl_error.hpp"
#include "core/util/error.hpp"
#include "core/util/hex.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/text_file.hpp"

#include <openssl/pem.h>

#include <array>
#include <charconv>
#include <regex>

namespace zbundle::pki {
namespace {

using util::str_cat;

constexpr std::size_t k_pem_file_limit = std::size_t{16} << 20;

// Reads every PEM block of type `label`, counting blocks so a bad one can be named.
template <class Handle, auto Read>
std::vector<Handle> parse_pem(std::string_view text,
                              std::string_view subject,
                              std::string_view label,
                              std::string_view what) {
  const std::string begin = str_cat("-----BEGIN ", label, "-----");
  std::vector<Handle> items;
  std::size_t position = 0;
  while ((position = text.find(begin, position)) != std::string::npos) {
    const std::size_t end = text.find("-----END", position);
    const std::size_t block_end = end == std::string::npos ? text.size() : text.find('\n', end);
    const std::string block(text.substr(
        position, block_end == std::string::npos ? std::string::npos : block_end - position + 1));
    const util::BasicIo bio(BIO_new_mem_buf(block.data(), static_cast<int>(block.size())));
    if (!bio) {
      throw Error(ErrorKind::io, str_cat(subject, ": out of memory"));
    }
    Handle item(Read(bio.get(), nullptr, nullptr, nullptr));
    if (!item) {
      throw Error(ErrorKind::input,
                  str_cat(subject,
                          ": ",
                          what,
                          " ",
                          items.size() + 1,
                          ": does not parse: ",
                          openssl_error_message()));
    }
    items.push_back(std::move(item));
    position += begin.size();
  }
  if (items.empty()) {
    throw Error(ErrorKind::input,
                str_cat(subject, ": no ", what, " in it (expected PEM ", label, ")"));
  }
  return items;
}

} // namespace

std::vector<util::Certificate> parse_certificates(std::string_view text, std::string_view subject) {
  return parse_pem<util::Certificate, PEM_read_bio_X509>(
      text, subject, "CERTIFICATE", "certificate");
}

std::vector<util::Certificate> load_certificates(const std::filesystem::path& path) {
  return parse_certificates(util::read_text_file(path, k_pem_file_limit), path.string());
}

std::vector<util::CertificateRevocationList> load_crls(const std::filesystem::path& path) {
  return parse_pem<util::CertificateRevocationList, PEM_read_bio_X509_CRL>(
      util::read_text_file(path, k_pem_file_limit), path.string(), "X509 CRL", "CRL");
}

std::int64_t certificate_time(const ASN1_TIME* time) {
  struct tm parts = {};
  if (time == nullptr || ASN1_TIME_to_tm(time, &parts) != 1) {
    throw Error(ErrorKind::input, "certificate: unreadable validity time");
  }
  return static_cast<std::int64_t>(timegm(&parts));
}

std::string format_time(std::int64_t seconds) {
  const auto value = static_cast<std::time_t>(seconds);
  struct tm parts = {};
  gmtime_r(&value, &parts);
  std::array<char, 32> text{};
  const std::size_t length = std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &parts);
  return {text.data(), length};
}

std::int64_t parse_time(const std::string& text) {
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '@') {
    digits.remove_prefix(1);
  }
  std::int64_t epoch = 0;
  if (const auto [end, error] =
          std::from_chars(digits.data(), digits.data() + digits.size(), epoch);
      error == std::errc{} && end == digits.data() + digits.size() && !digits.empty()) {
    return epoch;
  }
  static const std::regex rfc3339(
      R"(^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$)");
  std::smatch match;
  if (!std::regex_match(text, match, rfc3339)) {
    throw Error(ErrorKind::usage,
                str_cat(text, ": not a time: use RFC 3339 (2026-01-01T00:00:00Z) or Unix seconds"));
  }
  struct tm parts = {};
  parts.tm_year = std::stoi(match[1]) - 1900;
  parts.tm_mon = std::stoi(match[2]) - 1;
  parts.tm_mday = std::stoi(match[3]);
  parts.tm_hour = std::stoi(match[4]);
  parts.tm_min = std::stoi(match[5]);
  parts.tm_sec = std::stoi(match[6]);
  std::int64_t seconds = timegm(&parts);
  if (match[9].matched) {
    const std::int64_t offset = std::stoi(match[10]) * 3600 + std::stoi(match[11]) * 60;
    seconds += match[9] == "+" ? -offset : offset;
  }
  return seconds;
}

CertificateInfo describe_certificate(X509* certificate) {
  const auto name_text = [](const X509_NAME* name) {
    const util::BasicIo bio(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(length));
  };
  CertificateInfo info;
  info.subject = name_text(X509_get_subject_name(certificate));
  info.issuer = name_text(X509_get_issuer_name(certificate));
  info.not_before = format_time(certificate_time(X509_get0_notBefore(certificate)));
  info.not_after = format_time(certificate_time(X509_get0_notAfter(certificate)));
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  X509_digest(certificate, EVP_sha256(), digest.data(), &length);
  info.fingerprint = util::to_hex(std::span(digest.data(), length));
  info.is_ca = X509_check_ca(certificate) != 0;
  return info;
}

} // namespace zbundle::pki
