#pragma once

// Signing keys for bundles (bundle-schema/README.md section 4): Ed25519 (default), ECDSA
// P-256 and RSA-3072 with PSS. The signature algorithm follows from the key; a key id is the
// hex SHA-256 of the public key's DER SubjectPublicKeyInfo.

#include "core/util/handles.hpp"

#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace zbundle::pki {

enum class KeyType { ed25519, ecdsa_p256, rsa3072 };

// "ed25519", "ecdsa-p256", "rsa3072" and back; parse throws Error{usage} naming the text.
[[nodiscard]] std::string_view key_type_name(KeyType type) noexcept;
[[nodiscard]] KeyType parse_key_type(std::string_view text);

// Writes `prefix`.key (PKCS#8 PEM, mode 0600, AES-256-CBC encrypted when `passphrase` is not
// empty) and `prefix`.pub (SubjectPublicKeyInfo PEM); returns the key id. Refuses to overwrite
// either file. Throws Error{usage} when one exists, Error{io} when writing fails.
std::string generate_signing_key(const std::filesystem::path& prefix,
                                 KeyType type,
                                 const std::string& passphrase);

// A private key kept elsewhere (on a PKCS#11 token) that signs as section 4 fixes for its
// type: Ed25519, ECDSA P-256 over SHA-256 (DER), RSA-PSS SHA-256 with a 32-byte salt.
class ExternalSigner {
public:
  ExternalSigner() = default;
  ExternalSigner(const ExternalSigner&) = delete;
  ExternalSigner& operator=(const ExternalSigner&) = delete;
  virtual ~ExternalSigner() = default;
  [[nodiscard]] virtual std::vector<unsigned char>
  sign(std::span<const std::byte> message) const = 0;
};

class SigningKey {
public:
  // Loads a PEM private key. Throws Error{input} naming the file: unreadable, wrong
  // passphrase, or a key type zbundle does not sign with.
  SigningKey(const std::filesystem::path& path, const std::string& passphrase);
  // A key whose private half `signer` holds; `public_half` is its public key and `subject`
  // names it in messages. Throws Error{input} for a key type zbundle does not sign with.
  SigningKey(util::PublicKey public_half,
             std::shared_ptr<const ExternalSigner> signer,
             std::string subject);
  // An external signer's signature is checked with the public half before it is returned:
  // a token that signs with other parameters fails here, not on the bastion.
  [[nodiscard]] std::vector<unsigned char> sign(std::span<const std::byte> message) const;
  [[nodiscard]] const std::string& key_id() const noexcept { return m_key_id; }
  // The public half, to check what this key signed (earlier bundles, for --base).
  [[nodiscard]] class VerifyingKey verifying_key() const;
  // Writes the public half as SubjectPublicKeyInfo PEM; refuses to overwrite `path`.
  void write_public_key(const std::filesystem::path& path) const;

private:
  util::PrivateKey m_key; // for an external signer: the public half only
  std::shared_ptr<const ExternalSigner> m_external;
  std::string m_subject;
  std::string m_key_id;
};

class VerifyingKey {
public:
  // Loads a PEM public key (SubjectPublicKeyInfo). Throws Error{input} naming the file.
  explicit VerifyingKey(const std::filesystem::path& path);
  // Takes the public key of a certificate (a signer chain's leaf). Throws Error{input}.
  explicit VerifyingKey(X509* certificate, const std::string& subject);
  // Takes `key`; `subject` names it in messages. Throws Error{input} for an unusable key.
  VerifyingKey(util::PublicKey key, const std::string& subject);
  // True when `signature` is valid for `message` under this key's algorithm.
  [[nodiscard]] bool verify(std::span<const std::byte> message,
                            std::span<const std::byte> signature) const;
  [[nodiscard]] const std::string& key_id() const noexcept { return m_key_id; }
  [[nodiscard]] std::string_view algorithm() const noexcept;

private:
  util::PublicKey m_key;
  KeyType m_type = KeyType::ed25519;
  std::string m_key_id;
};

} // namespace zbundle::pki
