#include "core/pki/cms_envelope.hpp"

#include "core/pki/certificate_file.hpp"
#include "core/pki/openssl_error.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/text_file.hpp"

#include <openssl/pem.h>

namespace zbundle::pki {
namespace {

using util::str_cat;

constexpr std::size_t k_max_envelope = std::size_t{1} << 20;

util::BasicIo memory_bio(std::string_view bytes) {
  util::BasicIo bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
  if (!bio) {
    throw Error(ErrorKind::io, str_cat("CMS: out of memory: ", openssl_error_message()));
  }
  return bio;
}

std::string drained(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  return {data, static_cast<std::size_t>(length)};
}

util::PrivateKey load_private_key(const std::filesystem::path& path) {
  const std::string text = util::read_text_file(path, k_max_envelope);
  const util::BasicIo bio = memory_bio(text);
  util::PrivateKey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) {
    throw Error(ErrorKind::input,
                str_cat(path.string(), ": cannot read the private key: ", openssl_error_message()));
  }
  return key;
}

} // namespace

std::string encrypt_for(std::string_view plaintext, X509* recipient, std::string_view subject) {
  const util::CertificateStack recipients(sk_X509_new_null());
  X509_up_ref(recipient);
  if (!recipients || sk_X509_push(recipients.get(), recipient) == 0) {
    X509_free(recipient);
    throw Error(ErrorKind::io, str_cat(subject, ": out of memory"));
  }
  const util::BasicIo input = memory_bio(plaintext);
  const util::CmsContent envelope(
      CMS_encrypt(recipients.get(), input.get(), EVP_aes_256_cbc(), CMS_BINARY));
  if (!envelope) {
    throw Error(ErrorKind::input,
                str_cat(subject,
                        ": cannot encrypt to this certificate (an RSA or EC key is needed): ",
                        openssl_error_message()));
  }
  const util::BasicIo output(BIO_new(BIO_s_mem()));
  if (!output || PEM_write_bio_CMS(output.get(), envelope.get()) != 1) {
    throw Error(ErrorKind::io, str_cat(subject, ": cannot encode: ", openssl_error_message()));
  }
  return drained(output.get());
}

std::string decrypt_with(std::string_view cms_pem,
                         std::string_view subject,
                         const std::filesystem::path& certificate,
                         const std::filesystem::path& private_key) {
  const std::vector<util::Certificate> certificates = load_certificates(certificate);
  const util::PrivateKey key = load_private_key(private_key);
  const util::BasicIo input = memory_bio(cms_pem);
  const util::CmsContent envelope(PEM_read_bio_CMS(input.get(), nullptr, nullptr, nullptr));
  if (!envelope) {
    throw Error(ErrorKind::check,
                str_cat(subject, ": not a PEM CMS message: ", openssl_error_message()));
  }
  const util::BasicIo output(BIO_new(BIO_s_mem()));
  // CMS_DEBUG_DECRYPT off: a wrong key must fail, not yield random bytes (MMA defence).
  if (!output
      || CMS_decrypt(envelope.get(),
                     key.get(),
                     certificates.front().get(),
                     nullptr,
                     output.get(),
                     CMS_BINARY)
             != 1) {
    throw Error(ErrorKind::check,
                str_cat(subject,
                        ": cannot decrypt with ",
                        private_key.string(),
                        " (not encrypted to it, or altered): ",
                        openssl_error_message()));
  }
  return drained(output.get());
}

} // namespace zbundle::pki
