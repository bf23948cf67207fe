#include "core/util/text_file.hpp"
#include "test_support.hpp"

namespace zbundle::util {
namespace {

using test::TempDir;

TEST(ReadTextFile, ReadsWholeFile) {
  const TempDir dir;
  test::write_file(dir / "link", "sha256:abc");
  EXPECT_EQ(read_text_file(dir / "link", 64), "sha256:abc");
}

TEST(ReadTextFile, RefusesFilesOverTheLimit) {
  const TempDir dir;
  test::write_file(dir / "big", std::string(65, 'x'));
  EXPECT_ZB_ERROR(static_cast<void>(read_text_file(dir / "big", 64)),
                  ErrorKind::input,
                  "big: too large: 65 bytes");
}

TEST(ReadTextFile, RefusesSymlinks) {
  const TempDir dir;
  test::write_file(dir / "real", "x");
  std::filesystem::create_symlink(dir / "real", dir / "alias");
  EXPECT_ZB_ERROR(static_cast<void>(read_text_file(dir / "alias", 64)),
                  ErrorKind::input,
                  "alias: cannot open: is a symbolic link");
}

TEST(ReadTextFile, MissingFileIsInputError) {
  const TempDir dir;
  EXPECT_ZB_ERROR(static_cast<void>(read_text_file(dir / "absent", 64)),
                  ErrorKind::input,
                  "absent: cannot open: No such file");
}

TEST(ReadTextFile, DirectoryIsNotARegularFile) {
  const TempDir dir;
  EXPECT_ZB_ERROR(
      static_cast<void>(read_text_file(dir.path(), 64)), ErrorKind::input, "not a regular file");
}

} // namespace
} // namespace zbundle::util
