#include "core/pki/signing_key.hpp"

#include "core/pki/openssl_error.hpp"
#include "core/util/atomic_file.hpp"
#include "core/util/error.hpp"
#include "core/util/hex.hpp"
#include "core/util/sha256.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/text_file.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <functional>

namespace zbundle::pki {
namespace {

namespace fs = std::filesystem;
using util::str_cat;

constexpr std::size_t k_key_file_limit = std::size_t{64} * 1024;
constexpr int k_rsa_bits = 3072;
constexpr int k_pss_salt_length = 32; // = the SHA-256 output, as section 4 fixes it

// Which of our algorithms a key is for; throws Error{input} for any other key.
KeyType classify_key(EVP_PKEY* key, const std::string& subject) {
  if (EVP_PKEY_is_a(key, "ED25519") == 1) {
    return KeyType::ed25519;
  }
  if (EVP_PKEY_is_a(key, "EC") == 1) {
    std::array<char, 64> group{};
    std::size_t length = 0;
    if (EVP_PKEY_get_group_name(key, group.data(), group.size(), &length) == 1
        && std::string_view(group.data(), length) == "prime256v1") {
      return KeyType::ecdsa_p256;
    }
    throw Error(ErrorKind::input, str_cat(subject, ": unsupported EC curve: only P-256 signs"));
  }
  if (EVP_PKEY_is_a(key, "RSA") == 1) {
    if (EVP_PKEY_get_bits(key) < k_rsa_bits) {
      throw Error(ErrorKind::input,
                  str_cat(subject,
                          ": RSA key of ",
                          EVP_PKEY_get_bits(key),
                          " bits: at least ",
                          k_rsa_bits,
                          " are required"));
    }
    return KeyType::rsa3072;
  }
  throw Error(ErrorKind::input,
              str_cat(subject, ": unsupported key type: use Ed25519, ECDSA P-256 or RSA-3072"));
}

std::string compute_key_id(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(key, &der);
  if (length <= 0) {
    throw Error(ErrorKind::io,
                str_cat("key id: cannot encode the public key: ", openssl_error_message()));
  }
  util::Sha256 hasher;
  hasher.update(std::as_bytes(std::span(der, static_cast<std::size_t>(length))));
  OPENSSL_free(der);
  return hasher.finish().substr(std::strlen("sha256:"));
}

// The message digest and padding each key type signs with (section 4).
void configure_context(EVP_MD_CTX* context, EVP_PKEY* key, KeyType type, bool is_signing) {
  const EVP_MD* digest = type == KeyType::ed25519 ? nullptr : EVP_sha256();
  EVP_PKEY_CTX* key_context = nullptr; // owned by `context`
  const int started = is_signing
                          ? EVP_DigestSignInit(context, &key_context, digest, nullptr, key)
                          : EVP_DigestVerifyInit(context, &key_context, digest, nullptr, key);
  if (started != 1) {
    throw Error(ErrorKind::io, str_cat("signature: cannot start: ", openssl_error_message()));
  }
  if (type == KeyType::rsa3072
      && (EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PSS_PADDING) != 1
          || EVP_PKEY_CTX_set_rsa_pss_saltlen(key_context, k_pss_salt_length) != 1
          || EVP_PKEY_CTX_set_rsa_mgf1_md(key_context, EVP_sha256()) != 1)) {
    throw Error(ErrorKind::io, str_cat("signature: cannot set RSA-PSS: ", openssl_error_message()));
  }
}

util::BasicIo memory_bio(const std::string& text) {
  util::BasicIo bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  if (!bio) {
    throw Error(ErrorKind::io, "key: out of memory");
  }
  return bio;
}

// Never prompts: an encrypted key without a passphrase fails instead of reading the terminal.
int passphrase_callback(char* buffer, int size, int /*rwflag*/, void* user_data) {
  const auto* passphrase = static_cast<const std::string*>(user_data);
  if (passphrase == nullptr || passphrase->empty()
      || passphrase->size() > static_cast<std::size_t>(size)) {
    return -1;
  }
  std::copy(passphrase->begin(), passphrase->end(), buffer);
  return static_cast<int>(passphrase->size());
}

void refuse_existing(const fs::path& path) {
  if (fs::symlink_status(path).type() != fs::file_type::not_found) {
    throw Error(ErrorKind::usage, str_cat(path.string(), ": exists: refusing to overwrite a key"));
  }
}

void write_pem(const fs::path& path, unsigned mode, const std::function<int(BIO*)>& write) {
  const util::BasicIo bio(BIO_new(BIO_s_mem()));
  if (!bio || write(bio.get()) != 1) {
    throw Error(ErrorKind::io,
                str_cat(path.string(), ": cannot encode: ", openssl_error_message()));
  }
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  util::AtomicFile file(path, mode);
  file.write(std::string_view(data, static_cast<std::size_t>(length)));
  file.commit();
}

} // namespace

std::string_view key_type_name(KeyType type) noexcept {
  switch (type) {
  case KeyType::ed25519:
    return "ed25519";
  case KeyType::ecdsa_p256:
    return "ecdsa-p256";
  case KeyType::rsa3072:
    return "rsa3072";
  }
  return "unknown";
}

KeyType parse_key_type(std::string_view text) {
  for (const KeyType type : {KeyType::ed25519, KeyType::ecdsa_p256, KeyType::rsa3072}) {
    if (text == key_type_name(type)) {
      return type;
    }
  }
  throw Error(ErrorKind::usage,
              str_cat("--type ", text, ": unknown key type: use ed25519, ecdsa-p256 or rsa3072"));
}

std::string
generate_signing_key(const fs::path& prefix, KeyType type, const std::string& passphrase) {
  const fs::path private_path = str_cat(prefix.string(), ".key");
  const fs::path public_path = str_cat(prefix.string(), ".pub");
  refuse_existing(private_path);
  refuse_existing(public_path);
  util::PrivateKey key;
  if (type == KeyType::ed25519) {
    key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  } else if (type == KeyType::ecdsa_p256) {
    key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  } else {
    key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(k_rsa_bits)));
  }
  if (!key) {
    throw Error(ErrorKind::io,
                str_cat(private_path.string(), ": cannot generate: ", openssl_error_message()));
  }
  const EVP_CIPHER* cipher = passphrase.empty() ? nullptr : EVP_aes_256_cbc();
  write_pem(private_path, 0600, [&](BIO* bio) {
    return PEM_write_bio_PKCS8PrivateKey(bio,
                                         key.get(),
                                         cipher,
                                         passphrase.data(),
                                         static_cast<int>(passphrase.size()),
                                         nullptr,
                                         nullptr);
  });
  write_pem(public_path, 0644, [&](BIO* bio) { return PEM_write_bio_PUBKEY(bio, key.get()); });
  return compute_key_id(key.get());
}

SigningKey::SigningKey(const fs::path& path, const std::string& passphrase) {
  const std::string text = util::read_text_file(path, k_key_file_limit);
  const util::BasicIo bio = memory_bio(text);
  m_key.reset(PEM_read_bio_PrivateKey(
      bio.get(), nullptr, passphrase_callback, const_cast<std::string*>(&passphrase)));
  if (!m_key) {
    throw Error(ErrorKind::input,
                str_cat(path.string(),
                        ": cannot read the private key (wrong or missing passphrase?): ",
                        openssl_error_message()));
  }
  classify_key(m_key.get(), path.string());
  m_key_id = compute_key_id(m_key.get());
  m_subject = path.string();
}

SigningKey::SigningKey(util::PublicKey public_half,
                       std::shared_ptr<const ExternalSigner> signer,
                       std::string subject)
    : m_key(std::move(public_half)), m_external(std::move(signer)), m_subject(std::move(subject)) {
  classify_key(m_key.get(), m_subject);
  m_key_id = compute_key_id(m_key.get());
}

void SigningKey::write_public_key(const fs::path& path) const {
  refuse_existing(path);
  write_pem(path, 0644, [&](BIO* bio) { return PEM_write_bio_PUBKEY(bio, m_key.get()); });
}

std::vector<unsigned char> SigningKey::sign(std::span<const std::byte> message) const {
  if (m_external) {
    std::vector<unsigned char> signature = m_external->sign(message);
    if (!verifying_key().verify(message, std::as_bytes(std::span(signature)))) {
      throw Error(
          ErrorKind::io,
          str_cat(m_subject, ": the signature does not verify with the key's own public half"));
    }
    return signature;
  }
  const util::DigestContext context(EVP_MD_CTX_new());
  if (!context) {
    throw Error(ErrorKind::io, "signature: out of memory");
  }
  configure_context(context.get(), m_key.get(), classify_key(m_key.get(), "signing key"), true);
  const auto* data = reinterpret_cast<const unsigned char*>(message.data());
  std::size_t length = 0;
  if (EVP_DigestSign(context.get(), nullptr, &length, data, message.size()) != 1) {
    throw Error(ErrorKind::io, str_cat("signature: cannot sign: ", openssl_error_message()));
  }
  std::vector<unsigned char> signature(length);
  if (EVP_DigestSign(context.get(), signature.data(), &length, data, message.size()) != 1) {
    throw Error(ErrorKind::io, str_cat("signature: cannot sign: ", openssl_error_message()));
  }
  signature.resize(length);
  return signature;
}

VerifyingKey::VerifyingKey(const fs::path& path) {
  const std::string text = util::read_text_file(path, k_key_file_limit);
  const util::BasicIo bio = memory_bio(text);
  m_key.reset(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!m_key) {
    throw Error(ErrorKind::input,
                str_cat(path.string(), ": not a PEM public key: ", openssl_error_message()));
  }
  m_type = classify_key(m_key.get(), path.string());
  m_key_id = compute_key_id(m_key.get());
}

VerifyingKey SigningKey::verifying_key() const {
  EVP_PKEY_up_ref(m_key.get());
  return {util::PublicKey(m_key.get()), "signing key"};
}

VerifyingKey::VerifyingKey(util::PublicKey key, const std::string& subject)
    : m_key(std::move(key)) {
  m_type = classify_key(m_key.get(), subject);
  m_key_id = compute_key_id(m_key.get());
}

VerifyingKey::VerifyingKey(X509* certificate, const std::string& subject) {
  m_key.reset(X509_get_pubkey(certificate));
  if (!m_key) {
    throw Error(ErrorKind::input,
                str_cat(subject, ": no usable public key: ", openssl_error_message()));
  }
  m_type = classify_key(m_key.get(), subject);
  m_key_id = compute_key_id(m_key.get());
}

bool VerifyingKey::verify(std::span<const std::byte> message,
                          std::span<const std::byte> signature) const {
  const util::DigestContext context(EVP_MD_CTX_new());
  if (!context) {
    throw Error(ErrorKind::io, "signature: out of memory");
  }
  configure_context(context.get(), m_key.get(), m_type, false);
  const int verdict = EVP_DigestVerify(context.get(),
                                       reinterpret_cast<const unsigned char*>(signature.data()),
                                       signature.size(),
                                       reinterpret_cast<const unsigned char*>(message.data()),
                                       message.size());
  ERR_clear_error(); // a bad signature leaves decoding errors behind; the verdict says it all
  return verdict == 1;
}

std::string_view VerifyingKey::algorithm() const noexcept {
  switch (m_type) {
  case KeyType::ed25519:
    return "Ed25519";
  case KeyType::ecdsa_p256:
    return "ECDSA P-256 SHA-256";
  case KeyType::rsa3072:
    return "RSA-PSS SHA-256";
  }
  return "unknown";
}

} // namespace zbundle::pki
