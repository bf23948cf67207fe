#pragma once

// What every unit test shares: a private temporary directory, file helpers, a tar builder
// (libarchive, so archives are made by the tests, never checked in), and an assertion on
// zbundle::Error's kind and subject.

#include "core/util/error.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace zbundle::test {

// A fresh directory for one test, removed with everything in it afterwards.
class TempDir {
public:
  TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return m_path; }
  [[nodiscard]] std::filesystem::path operator/(std::string_view name) const {
    return m_path / name;
  }

private:
  std::filesystem::path m_path;
};

// Writes `text` to `path`, creating parent directories.
void write_file(const std::filesystem::path& path, std::string_view text);
[[nodiscard]] std::string read_file(const std::filesystem::path& path);
// Contents of a file below tests/data.
[[nodiscard]] std::string test_data(std::string_view relative);

// A registry storage tree under `root` (docker/registry/v2) of `count` blobs of `size`
// distinct, poorly compressible bytes each, stored under their digests; no repositories.
void write_blob_storage(const std::filesystem::path& root, int count, std::size_t size);

// A self-signed CA certificate for a fresh P-256 key, valid for an hour, as PEM.
[[nodiscard]] std::string self_signed_pem(std::string_view common_name);

// Fake but well-formed digests for parser tests: 64 times `c` (a hex digit).
[[nodiscard]] inline std::string fake_hex(char c) {
  return std::string(64, c);
}
[[nodiscard]] inline std::string fake_digest(char c) {
  return "sha256:" + fake_hex(c);
}
// Where oc-mirror v2 archives keep the registry storage.
inline const std::string k_registry_storage = "docker/registry/v2/";

// "sha256:<hex>" of `text`.
[[nodiscard]] std::string sha256(std::string_view text);
// Where registry storage keeps the blob `digest`, and the tag link of `repository`:`tag`.
[[nodiscard]] std::string blob_path(const std::string& digest);
[[nodiscard]] std::string tag_path(const std::string& repository, const std::string& tag);

// A one-layer s390x image, written blob by blob so tests can tamper with any of them.
struct Image {
  std::string layer = std::string(3000, 'L');
  std::string config = R"({"architecture":"s390x","os":"linux"})";
  [[nodiscard]] std::string manifest() const;
};

// Builds a pax tar archive entry by entry with libarchive (its directory created if need be).
class TarBuilder {
public:
  explicit TarBuilder(const std::filesystem::path& path);
  TarBuilder(const TarBuilder&) = delete;
  TarBuilder& operator=(const TarBuilder&) = delete;
  ~TarBuilder();
  TarBuilder& file(std::string_view name, std::string_view content);
  TarBuilder& directory(std::string_view name);
  TarBuilder& symlink(std::string_view name, std::string_view target);
  void close();

private:
  struct Impl; // keeps libarchive out of this header
  std::unique_ptr<Impl> m_impl;
};

} // namespace zbundle::test

// Asserts that `statement` throws zbundle::Error of `kind` whose message contains `subject`.
#define EXPECT_ZB_ERROR(statement, expected_kind, subject)                                         \
  do {                                                                                             \
    try {                                                                                          \
      (void)(statement);                                                                           \
      ADD_FAILURE() << "expected zbundle::Error from " #statement;                                 \
    } catch (const ::zbundle::Error& zb_error) {                                                   \
      EXPECT_EQ(zb_error.kind(), (expected_kind)) << zb_error.what();                              \
      EXPECT_NE(std::string(zb_error.what()).find(subject), std::string::npos)                     \
          << "message: " << zb_error.what() << "\nexpected to contain: " << (subject);             \
    }                                                                                              \
  } while (false)
