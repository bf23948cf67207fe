#include "core/extract/host_files.hpp"
#include "core/extract/safe_tree.hpp"
#include "core/util/sha256.hpp"
#include "test_support.hpp"

#include <sys/stat.h>
#include <unistd.h>

namespace zbundle::extract {
namespace {

using test::TempDir;
namespace fs = std::filesystem;

unsigned mode_of(const fs::path& path) {
  struct stat info = {};
  EXPECT_EQ(::lstat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777U;
}

std::string sha256_hex(std::string_view text) {
  util::Sha256 hash;
  hash.update(std::as_bytes(std::span(text.data(), text.size())));
  return hash.finish().substr(std::string_view("sha256:").size());
}

TEST(SafeTree, MakesDirectoriesAndCreatesFilesExclusively) {
  const TempDir dir;
  const util::Fd root = open_directory(dir.path());
  const util::Fd leaf = make_directories(root.get(), "a/b/c", "entry");
  {
    const util::Fd file = create_file(leaf.get(), "f", 0640, "a/b/c/f");
    ASSERT_EQ(::write(file.get(), "hi", 2), 2);
  }
  EXPECT_EQ(test::read_file(dir / "a/b/c/f"), "hi");
  EXPECT_EQ(mode_of(dir / "a/b/c/f"), 0640U);
  EXPECT_ZB_ERROR(create_file(leaf.get(), "f", 0640, "a/b/c/f"), ErrorKind::io, "a/b/c/f");
}

// A symlink planted in the target is never followed: neither as a directory on the way nor as
// the file itself, nor as the directory that is opened.
TEST(SafeTree, NeverFollowsAPlantedSymlink) {
  const TempDir dir;
  fs::create_directories(dir / "target");
  fs::create_directories(dir / "elsewhere");
  fs::create_directory_symlink(dir / "elsewhere", dir / "target/a");
  fs::create_symlink(dir / "elsewhere/victim", dir / "target/file");
  const util::Fd root = open_directory(dir / "target");
  EXPECT_ZB_ERROR(make_directories(root.get(), "a/b", "blobs/x"), ErrorKind::io, "blobs/x");
  EXPECT_ZB_ERROR(create_file(root.get(), "file", 0644, "file"), ErrorKind::io, "file");
  EXPECT_FALSE(fs::exists(dir / "elsewhere/b"));
  EXPECT_FALSE(fs::exists(dir / "elsewhere/victim"));
  EXPECT_ZB_ERROR(open_directory(dir / "target/a"), ErrorKind::io, "target/a");
}

TEST(SafeTree, HoldsFileComparesSizeAndContentAndRefusesSymlinks) {
  const TempDir dir;
  test::write_file(dir / "d/blob", "content");
  fs::create_symlink(dir / "d/blob", dir / "d/link");
  const util::Fd root = open_directory(dir.path());
  EXPECT_TRUE(holds_file(root.get(), "d/blob", 7, sha256_hex("content")));
  EXPECT_FALSE(holds_file(root.get(), "d/blob", 8, sha256_hex("content")));
  EXPECT_FALSE(holds_file(root.get(), "d/blob", 7, sha256_hex("CONTENT")));
  EXPECT_FALSE(holds_file(root.get(), "d/link", 7, sha256_hex("content")));
  EXPECT_FALSE(holds_file(root.get(), "d/absent", 7, sha256_hex("content")));
}

TEST(SafeTree, RemoveTreeRemovesLinksNotWhatTheyPointAt) {
  const TempDir dir;
  test::write_file(dir / "keep/precious", "p");
  test::write_file(dir / "gone/a/b", "x");
  fs::create_directory_symlink(dir / "keep", dir / "gone/a/link");
  remove_tree(dir / "gone");
  EXPECT_FALSE(fs::exists(dir / "gone"));
  EXPECT_EQ(test::read_file(dir / "keep/precious"), "p");
}

TEST(SafeTree, SplitParent) {
  using Parts = std::pair<std::string_view, std::string_view>;
  EXPECT_EQ(split_parent("a/b/name"), Parts("a/b", "name"));
  EXPECT_EQ(split_parent("name"), Parts("", "name"));
}

// apply's files: created, unchanged when equal, replaced with the old one backed up below
// `backups` at its path under the root, each with its mode.
TEST(HostFiles, InstallCreatesReplacesWithBackupAndKeepsEqualFiles) {
  const TempDir dir;
  const fs::path root = dir / "root";
  const HostFile file{root / "etc/containers/registries.conf.d/zbundle.conf", "new\n", 0644};
  EXPECT_EQ(planned_change(file), Change::created);
  EXPECT_EQ(install(file, root, dir / "backups"), Change::created);
  EXPECT_EQ(mode_of(file.path), 0644U);
  EXPECT_EQ(planned_change(file), Change::unchanged);
  EXPECT_EQ(install(file, root, dir / "backups"), Change::unchanged);
  EXPECT_FALSE(fs::exists(dir / "backups"));

  const HostFile secret{file.path, "newer\n", 0600};
  EXPECT_EQ(planned_change(secret), Change::replaced);
  EXPECT_EQ(install(secret, root, dir / "backups"), Change::replaced);
  EXPECT_EQ(test::read_file(file.path), "newer\n");
  EXPECT_EQ(mode_of(file.path), 0600U);
  EXPECT_EQ(test::read_file(dir / "backups/etc/containers/registries.conf.d/zbundle.conf"),
            "new\n");
  EXPECT_EQ(change_name(Change::replaced), "replaced");
}

TEST(HostFiles, ReadIfPresent) {
  const TempDir dir;
  EXPECT_FALSE(read_if_present(dir / "absent").has_value());
  test::write_file(dir / "auth.json", "{}");
  EXPECT_EQ(read_if_present(dir / "auth.json"), "{}");
}

} // namespace
} // namespace zbundle::extract
