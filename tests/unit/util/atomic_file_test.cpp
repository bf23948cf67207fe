#include "core/util/atomic_file.hpp"
#include "core/util/background_writer.hpp"
#include "test_support.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

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

// Pages of `path` in the page cache, by index.
std::vector<bool> cached_pages(const std::filesystem::path& path, std::size_t size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  std::vector<unsigned char> resident((size + 4095) / 4096);
  const bool is_known = map != MAP_FAILED && ::mincore(map, size, resident.data()) == 0;
  if (map != MAP_FAILED) {
    ::munmap(map, size);
  }
  std::vector<bool> pages;
  pages.reserve(resident.size());
  for (const unsigned char page : resident) {
    pages.push_back(!is_known || (page & 1U) != 0);
  }
  return pages;
}

bool takes_direct_io(const std::filesystem::path& directory) {
  const std::filesystem::path probe = directory / "direct-probe";
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_DIRECT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return false;
  }
  ::close(fd);
  std::filesystem::remove(probe);
  return true;
}

// Writes the mixed file: three direct blocks and 100 buffered bytes, unaligned bytes, padding
// back to a block boundary, three direct blocks again, then a copy at an offset that is not a
// block's (buffered). Returns what the file must hold and the page where direct writes resume.
std::pair<std::string, std::size_t> write_mixed(const std::filesystem::path& path) {
  std::vector<std::byte, PageAligned<std::byte>> aligned(3 * k_direct_alignment + 100);
  for (std::size_t i = 0; i < aligned.size(); ++i) {
    aligned[i] = std::byte(i * 7 % 251);
  }
  const std::string unaligned(5000, 'u');
  const std::size_t written = aligned.size() + unaligned.size();
  const std::string padding(k_direct_alignment - written % k_direct_alignment, 'p');
  {
    AtomicFile file(path, 0644, DiskWrites::direct_when_aligned);
    file.write(aligned); // three direct blocks, then 100 buffered bytes
    file.write(unaligned);
    file.write(padding); // back to a block boundary
    file.write(aligned);
    file.write(aligned); // at an offset that is not a block's: buffered
    file.commit();
  }
  const auto as_text = [&] {
    return std::string(reinterpret_cast<const char*>(aligned.data()), aligned.size());
  };
  return {as_text() + unaligned + padding + as_text() + as_text(),
          (written + padding.size()) / k_direct_alignment};
}

// Aligned runs and the rest land in one file, byte for byte, on any file system (where
// O_DIRECT is refused, every write is buffered).
TEST(AtomicFile, DirectWritesMixWithBufferedOnesByteForByte) {
  const TempDir dir;
  const std::string expected = write_mixed(dir / "b.zb").first;
  EXPECT_EQ(test::read_file(dir / "b.zb"), expected);
}

// The aligned runs go around the page cache and the rest through it. Needs a file system that
// takes O_DIRECT: the temporary directory, else the directory the tests run in (the build
// tree, on disk); only a machine with neither skips, saying why.
TEST(AtomicFile, DirectBlocksBypassThePageCache) {
  const TempDir temporary;
  const std::filesystem::path here = std::filesystem::current_path() / "atomic-file-direct";
  std::filesystem::create_directories(here);
  const std::filesystem::path directory =
      takes_direct_io(temporary.path()) ? temporary.path() : here;
  if (!takes_direct_io(directory)) {
    std::filesystem::remove_all(here);
    GTEST_SKIP() << "neither " << temporary.path() << " nor " << here << " takes O_DIRECT";
  }
  const auto [expected, back] = write_mixed(directory / "b.zb");
  const std::vector<bool> cached = cached_pages(directory / "b.zb", expected.size());
  std::filesystem::remove_all(here);
  EXPECT_FALSE(cached[0] || cached[1] || cached[2]);
  EXPECT_TRUE(cached[3]);
  EXPECT_FALSE(cached[back] || cached[back + 1] || cached[back + 2]);
}

} // namespace
} // namespace zbundle::util
