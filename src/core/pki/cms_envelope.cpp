#include "core/pki/cms_envelope.hpp"

#include "core/pki/certificate_file.hpp"
#include "core/pki/openssl_error.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/text_file.hpp"

#include <openssl/pem.h>
#include <openssl/rsa.h>

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

// RSA recipients get OAEP (SHA-256) key transport rather than PKCS#1 v1.5; EC recipients use
// ECDH, which has no padding to choose.
void add_recipient(CMS_ContentInfo* envelope, X509* recipient, std::string_view subject) {
  CMS_RecipientInfo* info = CMS_add1_recipient_cert(envelope, recipient, CMS_KEY_PARAM);
  if (info == nullptr) {
    throw Error(ErrorKind::input,
                str_cat(subject,
                        ": cannot encrypt to this certificate (an RSA or EC key is needed): ",
                        openssl_error_message()));
  }
  EVP_PKEY_CTX* key_context = CMS_RecipientInfo_get0_pkey_ctx(info);
  if (CMS_RecipientInfo_type(info) == CMS_RECIPINFO_TRANS
      && EVP_PKEY_is_a(X509_get0_pubkey(recipient), "RSA") != 0
      && (key_context == nullptr
          || EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_OAEP_PADDING) != 1
          || EVP_PKEY_CTX_set_rsa_oaep_md(key_context, EVP_sha256()) != 1
          || EVP_PKEY_CTX_set_rsa_mgf1_md(key_context, EVP_sha256()) != 1)) {
    throw Error(ErrorKind::io,
                str_cat(subject, ": cannot set RSA-OAEP: ", openssl_error_message()));
  }
}

} // namespace

std::string encrypt_for(std::string_view plaintext, X509* recipient, std::string_view subject) {
  // AuthEnvelopedData with AES-256-GCM: a wrong key or an altered byte fails the tag check.
  // With CBC a wrong RSA key yields a random content key (the MMA defence) whose padding
  // passes about once in 256 tries, and decryption "succeeds" with garbage.
  const util::CmsContent envelope(
      CMS_encrypt(nullptr, nullptr, EVP_aes_256_gcm(), CMS_BINARY | CMS_PARTIAL));
  if (!envelope) {
    throw Error(ErrorKind::io, str_cat(subject, ": cannot start CMS: ", openssl_error_message()));
  }
  add_recipient(envelope.get(), recipient, subject);
  const util::BasicIo input = memory_bio(plaintext);
  if (CMS_final(envelope.get(), input.get(), nullptr, CMS_BINARY) != 1) {
    throw Error(ErrorKind::input, str_cat(subject, ": cannot encrypt: ", openssl_error_message()));
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
