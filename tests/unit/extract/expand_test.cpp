// expand_bundle() on a real signed bundle: every entry lands, a second run writes nothing, a
// damaged bundle leaves no new target behind, and a symlink planted in the target is refused
// without anything written through it.

#include "core/bundle/bundle_writer.hpp"
#include "core/extract/expand.hpp"
#include "core/pki/signing_key.hpp"
#include "test_support.hpp"

namespace zbundle::extract {
namespace {

using test::TempDir;
namespace fs = std::filesystem;

constexpr std::size_t k_blob_size = std::size_t{256} << 10;

std::uint64_t regular_files(const fs::path& root) {
  std::uint64_t count = 0;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(root)) {
    count += entry.is_regular_file() && !entry.is_symlink() ? 1 : 0;
  }
  return count;
}

class Expand : public ::testing::Test {
protected:
  void SetUp() override {
    test::write_blob_storage(m_dir / "store", 3, k_blob_size);
    (void)pki::generate_signing_key((m_dir / "key").string(), pki::KeyType::ed25519, "");
    bundle::CreateOptions options;
    options.inputs = {m_dir / "store"};
    options.output = m_dir / "b.zb";
    options.level = 1;
    options.created = 1767225600;
    (void)bundle::create_bundle(options, pki::SigningKey(m_dir / "key.key", ""));
  }

  [[nodiscard]] ExpandOptions options(const fs::path& bundle, const fs::path& target) const {
    ExpandOptions expand;
    expand.bundle = bundle;
    expand.trust.public_key = m_dir / "key.pub";
    expand.trust.at = 1767225600;
    expand.target = target;
    expand.state_dir = m_dir / "state";
    return expand;
  }

  TempDir m_dir;
};

TEST_F(Expand, WritesEveryEntryOnceAndNothingTheSecondTime) {
  const ExpandResult first = expand_bundle(options(m_dir / "b.zb", m_dir / "out"));
  EXPECT_GE(first.written, 3U);
  EXPECT_GE(first.bytes, 3 * k_blob_size);
  EXPECT_EQ(first.unchanged, 0U);
  EXPECT_EQ(regular_files(m_dir / "out"), first.written);
  const ExpandResult again = expand_bundle(options(m_dir / "b.zb", m_dir / "out"));
  EXPECT_EQ(again.written, 0U);
  EXPECT_EQ(again.unchanged, first.written);
}

TEST_F(Expand, ADamagedBundleLeavesNoNewTarget) {
  fs::copy_file(m_dir / "b.zb", m_dir / "cut.zb");
  fs::resize_file(m_dir / "cut.zb", fs::file_size(m_dir / "cut.zb") * 2 / 3);
  EXPECT_ZB_ERROR(expand_bundle(options(m_dir / "cut.zb", m_dir / "out")), ErrorKind::check, "");
  EXPECT_FALSE(fs::exists(m_dir / "out"));
}

// Big blobs are read by themselves on workers (EntrySink::split): each lands whole, named by its
// digest, and a second run finds them in place; one changed byte in one of them leaves nothing.
TEST_F(Expand, BigEntriesWrittenOnWorkersLandWhole) {
  test::write_blob_storage(m_dir / "big", 3, std::size_t{3} << 20);
  bundle::CreateOptions create;
  create.inputs = {m_dir / "big"};
  create.output = m_dir / "big.zb";
  create.created = 1767225600;
  (void)bundle::create_bundle(create, pki::SigningKey(m_dir / "key.key", ""));
  const ExpandResult first = expand_bundle(options(m_dir / "big.zb", m_dir / "out"));
  int blobs = 0;
  for (const fs::directory_entry& file : fs::recursive_directory_iterator(m_dir / "out")) {
    if (file.is_regular_file() && file.path().filename() == "data") {
      ++blobs;
      EXPECT_EQ(test::sha256(test::read_file(file.path())),
                "sha256:" + file.path().parent_path().filename().string());
    }
  }
  EXPECT_EQ(blobs, 3);
  EXPECT_GE(first.bytes, 3 * (std::uint64_t{3} << 20));
  EXPECT_EQ(expand_bundle(options(m_dir / "big.zb", m_dir / "out")).written, 0U);

  std::string bundle = test::read_file(m_dir / "big.zb");
  std::string blob;
  for (const fs::directory_entry& file : fs::recursive_directory_iterator(m_dir / "big")) {
    if (file.is_regular_file()) {
      blob = test::read_file(file.path());
    }
  }
  const std::size_t at = bundle.find(blob.substr(std::size_t{2} << 20, 64));
  ASSERT_NE(at, std::string::npos);
  bundle[at] = static_cast<char>(bundle[at] ^ 1);
  test::write_file(m_dir / "changed.zb", bundle);
  EXPECT_ZB_ERROR(expand_bundle(options(m_dir / "changed.zb", m_dir / "fresh")),
                  ErrorKind::check,
                  "digest mismatch");
  EXPECT_FALSE(fs::exists(m_dir / "fresh"));
}

TEST_F(Expand, APlantedSymlinkIsNotFollowed) {
  fs::create_directories(m_dir / "out");
  fs::create_directories(m_dir / "elsewhere");
  fs::create_directory_symlink(m_dir / "elsewhere", m_dir / "out/registry");
  EXPECT_THROW((void)expand_bundle(options(m_dir / "b.zb", m_dir / "out")), Error);
  EXPECT_TRUE(fs::is_empty(m_dir / "elsewhere"));
  EXPECT_TRUE(fs::is_symlink(m_dir / "out/registry")); // the target is left as it was
}

} // namespace
} // namespace zbundle::extract
