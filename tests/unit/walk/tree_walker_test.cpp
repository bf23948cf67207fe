#include "core/walk/tree_walker.hpp"
#include "test_support.hpp"

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <vector>

namespace zbundle::walk {
namespace {

using test::TarBuilder;
using test::TempDir;

struct Seen {
  std::string path;
  EntryType type;
  std::uint64_t size;
  std::string target;
  friend bool operator==(const Seen&, const Seen&) = default;
};

std::vector<Seen> walk_tar_entries(const std::filesystem::path& tar) {
  std::vector<Seen> seen;
  walk_tar(tar, [&seen](const TreeEntry& entry, EntryContent&) {
    seen.push_back({entry.path, entry.type, entry.size, entry.link_target});
  });
  return seen;
}

TEST(WalkTar, NormalizesNamesAndKeepsTypes) {
  const TempDir dir;
  TarBuilder(dir / "a.tar")
      .directory("./")
      .directory("./v2/")
      .file("./v2/r/manifests/x", "abc")
      .symlink("./v2/r/manifests/latest", "x")
      .close();
  const std::vector<Seen> expected{{"v2", EntryType::directory, 0, ""},
                                   {"v2/r/manifests/x", EntryType::regular, 3, ""},
                                   {"v2/r/manifests/latest", EntryType::symlink, 0, "x"}};
  EXPECT_EQ(walk_tar_entries(dir / "a.tar"), expected);
}

TEST(WalkTar, ReadsSmallEntriesAndRefusesLargeOnes) {
  const TempDir dir;
  TarBuilder(dir / "a.tar").file("link", "sha256:1").file("big", std::string(100, 'x')).close();
  std::vector<std::string> texts;
  int refused = 0; // the large entry must be visited, and refused, for this test to mean anything
  walk_tar(dir / "a.tar", [&](const TreeEntry& entry, EntryContent& content) {
    if (entry.path == "link") {
      texts.push_back(content.read_text(64));
    } else if (entry.path == "big") {
      EXPECT_ZB_ERROR(static_cast<void>(content.read_text(64)),
                      ErrorKind::input,
                      "a.tar: big: too large: 100 bytes");
      ++refused;
    }
  });
  EXPECT_EQ(texts, std::vector<std::string>{"sha256:1"});
  EXPECT_EQ(refused, 1);
}

TEST(WalkTar, RefusesParentAndAbsolutePaths) {
  const TempDir dir;
  TarBuilder(dir / "up.tar").file("ok", "1").file("docker/../../etc/passwd", "x").close();
  EXPECT_ZB_ERROR(walk_tar_entries(dir / "up.tar"),
                  ErrorKind::input,
                  "up.tar: entry docker/../../etc/passwd: unsafe path");
  TarBuilder(dir / "abs.tar").file("/etc/passwd", "x").close();
  EXPECT_ZB_ERROR(walk_tar_entries(dir / "abs.tar"),
                  ErrorKind::input,
                  "abs.tar: entry /etc/passwd: unsafe path");
}

// Bytes that differ at every offset, so a read from the wrong place cannot pass.
std::string counting_bytes(std::size_t size, unsigned seed) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    bytes[i] = static_cast<char>((i * 131 + i / 251 + seed) & 0xff);
  }
  return bytes;
}

std::string read_all(EntryContent& content, std::size_t chunk, std::size_t limit = SIZE_MAX) {
  std::string bytes;
  std::string buffer(chunk, '\0');
  while (bytes.size() < limit) {
    const std::size_t got = content.read_some(buffer);
    if (got == 0) {
      break;
    }
    bytes.append(buffer, 0, got);
  }
  return bytes;
}

// Large entries are read from their offset in the archive, around libarchive: behind pax
// headers (a long name), after an entry read only in part, and next to small ones.
TEST(WalkTar, LargeEntriesReadDirectlyAreTheirExactBytes) {
  const TempDir dir;
  const std::string long_name = std::string(150, 'n') + "/data";
  const std::string big = counting_bytes(std::size_t{5} << 20, 1);
  const std::string partly_read = counting_bytes((std::size_t{4} << 20) + 1, 2);
  const std::string last = counting_bytes((std::size_t{4} << 20) + 777, 3);
  TarBuilder(dir / "a.tar")
      .file("small", "abc")
      .file(long_name, big)
      .file("partly", partly_read)
      .file("between", "xyz")
      .file("last", last)
      .close();
  std::vector<std::string> seen;
  walk_tar(dir / "a.tar", [&](const TreeEntry& entry, EntryContent& content) {
    seen.push_back(entry.path);
    if (entry.path == long_name) {
      EXPECT_TRUE(read_all(content, 65536 + 3) == big);
    } else if (entry.path == "partly") {
      EXPECT_TRUE(read_all(content, 1 << 20, 1 << 20) == partly_read.substr(0, 1 << 20));
    } else if (entry.path == "last") {
      EXPECT_TRUE(read_all(content, 1 << 20) == last);
    } else {
      EXPECT_EQ(read_all(content, 2), entry.path == "small" ? "abc" : "xyz");
    }
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"small", long_name, "partly", "between", "last"}));
}

// A sparse entry's bytes are not in one piece in the archive: libarchive reads it.
TEST(WalkTar, SparseEntriesAreReadThroughLibarchive) {
  const TempDir dir;
  const std::filesystem::path file = dir / "sparse";
  {
    std::ofstream out(file, std::ios::binary);
    out << "head";
    out.seekp((std::streamoff{6} << 20) - 4);
    out << "tail";
  }
  const std::string command = "tar -S --format=pax -C '" + dir.path().string() + "' -cf '"
                              + (dir / "s.tar").string() + "' sparse";
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::string expected(std::size_t{6} << 20, '\0');
  expected.replace(0, 4, "head");
  expected.replace(expected.size() - 4, 4, "tail");
  int visited = 0;
  walk_tar(dir / "s.tar", [&](const TreeEntry& entry, EntryContent& content) {
    ASSERT_EQ(entry.size, expected.size());
    EXPECT_TRUE(read_all(content, 1 << 20) == expected);
    ++visited;
  });
  EXPECT_EQ(visited, 1);
}

TEST(WalkTar, LargeEntryCutShortIsTruncatedNamingIt) {
  const TempDir dir;
  TarBuilder(dir / "t.tar").file("big", counting_bytes(std::size_t{5} << 20, 4)).close();
  std::filesystem::resize_file(dir / "t.tar", std::size_t{3} << 20);
  EXPECT_ZB_ERROR(
      walk_tar(dir / "t.tar",
               [](const TreeEntry&, EntryContent& content) { (void)read_all(content, 1 << 20); }),
      ErrorKind::input,
      "t.tar: big: cannot read: truncated tar archive");
}

TEST(WalkTar, TruncatedArchiveIsAnInputErrorNamingIt) {
  const TempDir dir;
  TarBuilder(dir / "t.tar")
      .file("first", std::string(5000, 'a'))
      .file("second", std::string(5000, 'b'))
      .close();
  std::filesystem::resize_file(dir / "t.tar", 6000);
  EXPECT_ZB_ERROR(walk_tar_entries(dir / "t.tar"), ErrorKind::input, "t.tar: ");
  std::filesystem::resize_file(dir / "t.tar", 700);
  EXPECT_ZB_ERROR(walk_tar_entries(dir / "t.tar"), ErrorKind::input, "t.tar: ");
}

TEST(WalkTar, ArchiveCutBetweenEntriesIsTruncated) {
  const TempDir dir;
  TarBuilder(dir / "c.tar")
      .file("first", std::string(512, 'a'))
      .file("second", std::string(512, 'b'))
      .close();
  // header + one data block of the first entry: a clean cut, before the second header
  std::filesystem::resize_file(dir / "c.tar", 1024);
  EXPECT_ZB_ERROR(walk_tar_entries(dir / "c.tar"),
                  ErrorKind::input,
                  "c.tar: truncated tar: no end-of-archive marker");
}

TEST(WalkTar, GarbageIsNotATar) {
  const TempDir dir;
  test::write_file(dir / "g.tar", std::string(4096, 'g'));
  EXPECT_ZB_ERROR(walk_tar_entries(dir / "g.tar"), ErrorKind::input, "g.tar: ");
}

TEST(WalkDirectory, PrefixesPathsAndDoesNotFollowSymlinks) {
  const TempDir dir;
  test::write_file(dir / "tree/a/file", "hello");
  test::write_file(dir / "outside/secret", "s");
  std::filesystem::create_directory_symlink(dir / "outside", dir / "tree/a/escape");
  std::vector<Seen> seen;
  walk_directory(
      dir / "tree", "working-dir/", [&seen](const TreeEntry& entry, EntryContent& content) {
        seen.push_back({entry.path, entry.type, entry.size, entry.link_target});
        if (entry.type == EntryType::regular) {
          EXPECT_EQ(content.read_text(16), "hello");
        }
      });
  std::sort(seen.begin(), seen.end(), [](const Seen& a, const Seen& b) { return a.path < b.path; });
  const std::vector<Seen> expected{
      {"working-dir/a", EntryType::directory, 0, ""},
      {"working-dir/a/escape", EntryType::symlink, 0, (dir / "outside").string()},
      {"working-dir/a/file", EntryType::regular, 5, ""}};
  EXPECT_EQ(seen, expected);
}

// A plan is walked archives first, in order, then directories; each container is announced
// before its entries.
TEST(WalkPlan, ArchivesFirstThenDirectoriesEachAnnounced) {
  const TempDir dir;
  TarBuilder(dir / "two.tar").file("b", "2").close();
  TarBuilder(dir / "one.tar").file("a", "1").close();
  test::write_file(dir / "tree/c", "3");
  std::vector<std::string> events;
  walk_plan(
      {{dir / "one.tar", dir / "two.tar"}, {{dir / "tree", "t/"}}},
      [&events](const std::string& container) {
        events.push_back("enter " + std::filesystem::path(container).filename().string());
      },
      [&events](const TreeEntry& entry, EntryContent&) { events.push_back(entry.path); });
  const std::vector<std::string> expected{
      "enter one.tar", "a", "enter two.tar", "b", "enter tree", "t/c"};
  EXPECT_EQ(events, expected);
}

TEST(WalkDirectory, MissingRootIsInputError) {
  const TempDir dir;
  EXPECT_ZB_ERROR(walk_directory(dir / "absent", "", [](const TreeEntry&, EntryContent&) {}),
                  ErrorKind::input,
                  "absent: cannot read");
}

} // namespace
} // namespace zbundle::walk
