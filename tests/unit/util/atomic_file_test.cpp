#include "core/util/atomic_file.hpp"
#include "test_support.hpp"

#include <sys/stat.h>

namespace zbundle::util {
namespace {

using test::TempDir;

std::size_t count_files(const std::filesystem::path& directory) {
  return static_cast<std::size_t>(
      std::distance(std::filesystem::directory_iterator(directory), {}));
}

TEST(AtomicFile, CommitReplacesTheTargetWithMode) {
  const TempDir dir;
  test::write_file(dir / "out.yaml", "old");
  {
    AtomicFile file(dir / "out.yaml", 0600);
    file.write("new content");
    file.commit();
  }
  EXPECT_EQ(test::read_file(dir / "out.yaml"), "new content");
  struct stat info = {};
  ASSERT_EQ(::stat((dir / "out.yaml").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600U);
  EXPECT_EQ(count_files(dir.path()), 1U);
}

TEST(AtomicFile, WithoutCommitLeavesTargetAndNoTemporary) {
  const TempDir dir;
  test::write_file(dir / "out.yaml", "old");
  {
    AtomicFile file(dir / "out.yaml", 0644);
    file.write("half written");
  }
  EXPECT_EQ(test::read_file(dir / "out.yaml"), "old");
  EXPECT_EQ(count_files(dir.path()), 1U);
}

TEST(AtomicFile, MissingDirectoryIsAnIoErrorNamingTheTarget) {
  const TempDir dir;
  EXPECT_ZB_ERROR(
      AtomicFile(dir / "no/such/out.yaml", 0644), ErrorKind::io, "no/such/out.yaml: cannot create");
}

} // namespace
} // namespace zbundle::util
