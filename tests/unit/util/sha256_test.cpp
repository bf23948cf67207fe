#include "core/util/error.hpp"
#include "core/util/sha256.hpp"

#include <gtest/gtest.h>

#include <string_view>

namespace zbundle::util {
namespace {

std::string sha256_of(std::string_view text, std::size_t piece) {
  Sha256 hasher;
  for (std::size_t i = 0; i < text.size(); i += piece) {
    const std::string_view part = text.substr(i, piece);
    hasher.update(std::as_bytes(std::span(part.data(), part.size())));
  }
  return hasher.finish();
}

// FIPS 180-2 test vectors.
TEST(Sha256, KnownVectorsInAnyChunking) {
  EXPECT_EQ(sha256_of("", 1),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_of("abc", 1),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string_view two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  EXPECT_EQ(sha256_of(two_blocks, 7),
            "sha256:248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_of(two_blocks, 1000), sha256_of(two_blocks, 3));
}

// The 32-byte form round-trips the hex the hasher prints, and refuses anything else.
TEST(Sha256Digest, RoundTripsAndRefusesNonDigests) {
  const std::string digest = sha256_of("abc", 3);
  const Sha256Digest parsed = Sha256Digest::from_digest(digest);
  EXPECT_EQ("sha256:" + parsed.hex(), digest);
  EXPECT_EQ(Sha256Digest::from_hex(parsed.hex()), parsed);
  EXPECT_EQ(parsed.bytes[0], 0xba); // the digest of "abc" starts ba7816bf
  EXPECT_FALSE(Sha256Digest::from_hex(std::string(63, 'a')));
  EXPECT_FALSE(Sha256Digest::from_hex(std::string(64, 'A'))); // upper case is not canonical
  EXPECT_FALSE(Sha256Digest::from_hex(std::string(64, 'g')));
  EXPECT_THROW((void)Sha256Digest::from_digest(parsed.hex()), Error); // no "sha256:"
  EXPECT_THROW((void)Sha256Digest::from_digest("sha512:" + parsed.hex()), Error);
}

} // namespace
} // namespace zbundle::util
