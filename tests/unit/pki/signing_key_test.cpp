#include "core/pki/signing_key.hpp"
#include "core/util/handles.hpp"
#include "test_support.hpp"

#include <openssl/pem.h>

#include <cstdio>
#include <filesystem>

namespace zbundle::pki {
namespace {

using test::TempDir;

std::span<const std::byte> bytes_of(const std::string& text) {
  return std::as_bytes(std::span(text.data(), text.size()));
}

TEST(SigningKey, EveryTypeSignsAndVerifiesAndNothingElseVerifies) {
  const TempDir dir;
  for (const KeyType type : {KeyType::ed25519, KeyType::ecdsa_p256, KeyType::rsa3072}) {
    const std::string prefix = (dir / std::string(key_type_name(type))).string();
    const std::string key_id = generate_signing_key(prefix, type, "");
    const SigningKey key(prefix + ".key", "");
    const VerifyingKey public_key(prefix + ".pub");
    EXPECT_EQ(key.key_id(), key_id);
    EXPECT_EQ(public_key.key_id(), key_id);
    const std::vector<unsigned char> signature = key.sign(bytes_of("the manifest"));
    EXPECT_TRUE(public_key.verify(bytes_of("the manifest"),
                                  std::as_bytes(std::span(signature.data(), signature.size()))));
    EXPECT_FALSE(public_key.verify(bytes_of("the manifest!"),
                                   std::as_bytes(std::span(signature.data(), signature.size()))));
    std::vector<unsigned char> damaged = signature;
    damaged[damaged.size() / 2] ^= 1U;
    EXPECT_FALSE(public_key.verify(bytes_of("the manifest"),
                                   std::as_bytes(std::span(damaged.data(), damaged.size()))));
    EXPECT_EQ(std::filesystem::status(prefix + ".key").permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  }
  (void)generate_signing_key((dir / "other").string(), KeyType::ed25519, "");
  const VerifyingKey other(dir / "other.pub");
  const SigningKey ed(dir / "ed25519.key", "");
  const std::vector<unsigned char> signed_by_ed = ed.sign(bytes_of("m"));
  EXPECT_FALSE(other.verify(bytes_of("m"),
                            std::as_bytes(std::span(signed_by_ed.data(), signed_by_ed.size()))));
}

TEST(SigningKey, PassphraseIsRequiredNeverPrompted) {
  const TempDir dir;
  generate_signing_key((dir / "k").string(), KeyType::ecdsa_p256, "secret");
  EXPECT_ZB_ERROR(
      SigningKey(dir / "k.key", ""), ErrorKind::input, "k.key: cannot read the private key");
  EXPECT_ZB_ERROR(SigningKey(dir / "k.key", "wrong"), ErrorKind::input, "k.key");
  EXPECT_NO_THROW(SigningKey(dir / "k.key", "secret"));
  EXPECT_ZB_ERROR(generate_signing_key((dir / "k").string(), KeyType::ed25519, ""),
                  ErrorKind::usage,
                  "k.key: exists");
}

TEST(SigningKey, RefusesCurvesAndTypesItDoesNotSignWith) {
  const TempDir dir;
  const util::PrivateKey p384(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
  ASSERT_TRUE(p384);
  const std::string path = (dir / "p384.pem").string();
  FILE* file = std::fopen(path.c_str(), "w");
  ASSERT_NE(file, nullptr);
  PEM_write_PrivateKey(file, p384.get(), nullptr, nullptr, 0, nullptr, nullptr);
  PEM_write_PUBKEY(file, p384.get());
  std::fclose(file);
  EXPECT_ZB_ERROR(SigningKey(path, ""), ErrorKind::input, "unsupported EC curve");
  EXPECT_ZB_ERROR(
      VerifyingKey(std::filesystem::path(path)), ErrorKind::input, "unsupported EC curve");
  EXPECT_ZB_ERROR(parse_key_type("dsa"), ErrorKind::usage, "unknown key type");
}

} // namespace
} // namespace zbundle::pki
