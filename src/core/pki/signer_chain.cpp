#include "core/pki/signer_chain.hpp"

#include "core/pki/certificate_file.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/text_file.hpp"

#include <openssl/x509v3.h>

#include <array>

namespace zbundle::pki {
namespace {

using util::str_cat;

bool has_name(X509* leaf, const std::string& name) {
  if (X509_check_host(leaf, name.data(), name.size(), X509_CHECK_FLAG_NO_WILDCARDS, nullptr) == 1) {
    return true;
  }
  std::array<char, 256> common_name{};
  const int length = X509_NAME_get_text_by_NID(X509_get_subject_name(leaf),
                                               NID_commonName,
                                               common_name.data(),
                                               static_cast<int>(common_name.size()));
  return length > 0
         && std::string_view(common_name.data(), static_cast<std::size_t>(length)) == name;
}

} // namespace

VerifyingKey verify_signer_chain(std::string_view chain_pem,
                                 std::string_view subject,
                                 const std::filesystem::path& root,
                                 const std::string& signer_name,
                                 std::int64_t at) {
  const std::vector<util::Certificate> trusted = load_certificates(root);
  std::vector<util::Certificate> chain;
  try {
    chain = parse_certificates(chain_pem, subject);
  } catch (const Error& error) {
    throw Error(ErrorKind::check, error.what());
  }
  const util::CertificateStore store(X509_STORE_new());
  const util::CertificateStack untrusted(sk_X509_new_null());
  const util::CertificateStoreContext context(X509_STORE_CTX_new());
  if (!store || !untrusted || !context) {
    throw Error(ErrorKind::io, "signer chain: out of memory");
  }
  for (const util::Certificate& certificate : trusted) {
    X509_STORE_add_cert(store.get(), certificate.get());
  }
  for (std::size_t i = 1; i < chain.size(); ++i) {
    X509_up_ref(chain[i].get());
    sk_X509_push(untrusted.get(), chain[i].get());
  }
  X509* leaf = chain.front().get();
  if (X509_STORE_CTX_init(context.get(), store.get(), leaf, untrusted.get()) != 1) {
    throw Error(ErrorKind::io, "signer chain: cannot start verification");
  }
  X509_STORE_CTX_set_flags(context.get(), X509_V_FLAG_X509_STRICT);
  X509_STORE_CTX_set_time(context.get(), 0, static_cast<time_t>(at));
  if (X509_verify_cert(context.get()) != 1) {
    throw Error(ErrorKind::check,
                str_cat(subject,
                        ": signer chain not trusted by ",
                        root.string(),
                        ": ",
                        X509_verify_cert_error_string(X509_STORE_CTX_get_error(context.get()))));
  }
  if ((X509_get_extension_flags(leaf) & EXFLAG_XKUSAGE) == 0
      || (X509_get_extended_key_usage(leaf) & XKU_CODE_SIGN) == 0) {
    throw Error(ErrorKind::check,
                str_cat(subject, ": signer certificate lacks extended key usage codeSigning"));
  }
  if (!has_name(leaf, signer_name)) {
    throw Error(ErrorKind::check,
                str_cat(subject,
                        ": signer certificate is not for ",
                        signer_name,
                        " (",
                        describe_certificate(leaf).subject,
                        ")"));
  }
  return VerifyingKey(leaf, std::string(subject));
}

std::string load_signer_chain(const std::filesystem::path& file,
                              const SigningKey& key,
                              std::string_view option) {
  constexpr std::size_t k_max_chain_file = std::size_t{1} << 20;
  std::string pem = util::read_text_file(file, k_max_chain_file);
  const std::vector<util::Certificate> chain = parse_certificates(pem, file.string());
  if (VerifyingKey(chain.front().get(), std::string(option)).key_id() != key.key_id()) {
    throw Error(ErrorKind::usage,
                util::str_cat(option, ": its first certificate is not for the signing key"));
  }
  return pem;
}

} // namespace zbundle::pki
