// The writer side of the bundle: copy_payload's entries from files, archives and memory, each
// checked against the plan; TarFrameWriter's members, one zstd frame each, compressed or
// stored, read back by libarchive and zstd themselves (independent readers); VolumeWriter's
// volumes, their sizes and digests, and nothing left behind without commit().

#include "core/bundle/payload_copier.hpp"
#include "core/bundle/tar_frame_writer.hpp"
#include "core/bundle/volume_writer.hpp"
#include "core/util/sha256.hpp"
#include "test_support.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <zstd.h>

#include <map>

namespace zbundle::bundle {
namespace {

using test::TempDir;
namespace fs = std::filesystem;

constexpr std::int64_t k_created = 1767225600; // 2026-01-01T00:00:00Z

std::span<const std::byte> bytes_of(std::string_view text) {
  return std::as_bytes(std::span(text.data(), text.size()));
}

// The compressed size of every zstd frame in `data`, in order.
std::vector<std::size_t> frame_sizes(const std::string& data) {
  std::vector<std::size_t> sizes;
  for (std::size_t at = 0; at < data.size();) {
    const std::size_t size = ZSTD_findFrameCompressedSize(data.data() + at, data.size() - at);
    EXPECT_EQ(ZSTD_isError(size), 0U) << ZSTD_getErrorName(size);
    if (ZSTD_isError(size) != 0) {
      break;
    }
    sizes.push_back(size);
    at += size;
  }
  return sizes;
}

struct ReadMember {
  std::string content;
  std::int64_t mtime = 0;
};

// Every member of the zstd-compressed tar `data`, as libarchive reads it.
std::map<std::string, ReadMember> read_with_libarchive(const std::string& data) {
  std::unique_ptr<archive, decltype(&archive_read_free)> reader(archive_read_new(),
                                                                &archive_read_free);
  archive_read_support_filter_zstd(reader.get());
  archive_read_support_format_tar(reader.get());
  EXPECT_EQ(archive_read_open_memory(reader.get(), data.data(), data.size()), ARCHIVE_OK);
  std::map<std::string, ReadMember> members;
  archive_entry* entry = nullptr;
  while (archive_read_next_header(reader.get(), &entry) == ARCHIVE_OK) {
    ReadMember& member = members[archive_entry_pathname(entry)];
    member.mtime = archive_entry_mtime(entry);
    std::array<char, 4096> buffer{};
    for (la_ssize_t got = 0;
         (got = archive_read_data(reader.get(), buffer.data(), buffer.size())) > 0;) {
      member.content.append(buffer.data(), static_cast<std::size_t>(got));
    }
  }
  return members;
}

TEST(TarFrameWriter, OneFramePerMemberCompressedOrStored) {
  const TempDir dir;
  const std::string text(10000, 't');
  std::string blob(300000, '\0');
  for (std::size_t i = 0; i < blob.size(); ++i) {
    blob[i] = static_cast<char>(i * 131 % 251);
  }
  std::vector<FramePosition> starts;
  {
    VolumeWriter out(dir / "b.zb");
    TarFrameWriter tar(out, k_created, 1);
    starts.push_back(tar.begin_member("ZBUNDLE/manifest.json", text.size(), 3));
    tar.write(bytes_of(text));
    tar.end_member();
    starts.push_back(tar.begin_member("blobs/sha256/ab", blob.size(), std::nullopt));
    tar.write(bytes_of(blob).first(1000)); // in pieces, as a copier writes
    tar.write(bytes_of(blob).subspan(1000));
    tar.end_member();
    tar.finish(Trailer::write);
    EXPECT_TRUE(out.finish().empty()); // a single file has no volume list
    out.commit();
  }
  const std::string data = test::read_file(dir / "b.zb");
  const std::vector<std::size_t> frames = frame_sizes(data);
  ASSERT_EQ(frames.size(), 3U); // two members and the end-of-archive blocks
  EXPECT_EQ(starts[0].offset, 0U);
  EXPECT_EQ(starts[1].offset, frames[0]);
  EXPECT_LT(frames[0], text.size() / 10); // compressed
  EXPECT_GT(frames[1], blob.size());      // stored: raw blocks, a few bytes of headers more
  const std::map<std::string, ReadMember> members = read_with_libarchive(data);
  ASSERT_EQ(members.size(), 2U);
  EXPECT_EQ(members.at("ZBUNDLE/manifest.json").content, text);
  EXPECT_EQ(members.at("blobs/sha256/ab").content, blob);
  EXPECT_EQ(members.at("blobs/sha256/ab").mtime, k_created);
}

TEST(TarFrameWriter, RefusesMoreOrFewerBytesThanTheMemberDeclares) {
  const TempDir dir;
  VolumeWriter out(dir / "b.zb");
  TarFrameWriter tar(out, k_created, 1);
  (void)tar.begin_member("a", 3, 3);
  EXPECT_ZB_ERROR(tar.write(bytes_of("four")), ErrorKind::io, "more bytes than the member's size");
  tar.write(bytes_of("ab"));
  EXPECT_ZB_ERROR(tar.end_member(), ErrorKind::io, "1 bytes short");
}

// Volumes hold whole frames: a frame that would not fit starts the next volume; finish() lists
// each volume's name, size and SHA-256 as written; nothing appears before commit().
TEST(VolumeWriter, SplitsAtFrameBoundariesAndListsEveryVolume) {
  const TempDir dir;
  const std::string chunk(600, 'v');
  std::vector<Volume> volumes;
  std::vector<FramePosition> starts;
  {
    VolumeWriter out(dir / "b.zb", 2, 1000);
    for (int i = 0; i < 3; ++i) {
      starts.push_back(out.start_frame(chunk.size()));
      out.write(bytes_of(chunk));
    }
    volumes = out.finish();
    EXPECT_FALSE(fs::exists(dir / "b.zb.002"));
    out.commit();
  }
  ASSERT_EQ(volumes.size(), 3U);
  for (std::size_t i = 0; i < volumes.size(); ++i) {
    EXPECT_EQ(starts[i].volume, i + 2);
    EXPECT_EQ(starts[i].offset, 0U);
    const fs::path file = volume_path(dir / "b.zb", static_cast<std::uint32_t>(i + 2));
    EXPECT_EQ(volumes[i].name, file.filename().string());
    EXPECT_EQ(volumes[i].size, fs::file_size(file));
    util::Sha256 hash;
    const std::string content = test::read_file(file);
    hash.update(bytes_of(content));
    EXPECT_EQ("sha256:" + volumes[i].sha256, hash.finish());
  }
}

TEST(VolumeWriter, WithoutCommitNothingIsLeft) {
  const TempDir dir;
  {
    VolumeWriter out(dir / "b.zb", 1, 1000);
    for (int i = 0; i < 3; ++i) {
      (void)out.start_frame(600);
      out.write(bytes_of(std::string(600, 'x')));
    }
  }
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

PlannedEntry planned(std::string path, std::string_view content, PayloadSource source) {
  util::Sha256 hash;
  hash.update(bytes_of(content));
  return {{std::move(path), content.size(), util::Sha256Digest::from_digest(hash.finish())},
          std::move(source)};
}

// Packs the plan into a single-file bundle below `dir` and reads it back; throws as
// copy_payload does.
std::map<std::string, ReadMember> pack(const fs::path& dir, const std::vector<PlannedEntry>& plan) {
  std::uint64_t reported = 0;
  {
    VolumeWriter out(dir / "b.zb");
    TarFrameWriter tar(out, k_created, 1);
    const std::vector<FramePosition> starts =
        copy_payload(tar, plan, 3, [&reported](std::uint64_t bytes) { reported += bytes; });
    EXPECT_EQ(starts.size(), plan.size());
    tar.finish(Trailer::write);
    (void)out.finish();
    out.commit();
  }
  std::uint64_t planned_bytes = 0;
  for (const PlannedEntry& entry : plan) {
    planned_bytes += entry.entry.size;
  }
  EXPECT_EQ(reported, planned_bytes);
  return read_with_libarchive(test::read_file(dir / "b.zb"));
}

TEST(CopyPayload, CopiesFilesArchiveEntriesAndRenderedText) {
  const TempDir dir;
  test::write_file(dir / "disk/blob", "from disk");
  test::TarBuilder(dir / "mirror_000001.tar").file("working-dir/x", "from the archive").close();
  const std::vector<PlannedEntry> plan{
      planned("registry/blob", "from disk", {(dir / "disk/blob").string(), {}, {}, std::nullopt}),
      planned("oc-mirror/working-dir/x",
              "from the archive",
              {{}, dir / "mirror_000001.tar", "working-dir/x", std::nullopt}),
      planned("artifacts/icsp.yaml", "rendered", {{}, {}, {}, std::string("rendered")})};
  const std::map<std::string, ReadMember> members = pack(dir.path(), plan);
  ASSERT_EQ(members.size(), 3U);
  EXPECT_EQ(members.at("registry/blob").content, "from disk");
  EXPECT_EQ(members.at("oc-mirror/working-dir/x").content, "from the archive");
  EXPECT_EQ(members.at("artifacts/icsp.yaml").content, "rendered");
}

// An archive repacked with GNU tar stores working-dir/ before docker/, while the bundle puts
// registry/ first: the archive is walked again for the rest of its entries.
TEST(CopyPayload, ReadsAnArchiveWhoseOrderDiffersFromTheBundles) {
  const TempDir dir;
  test::TarBuilder(dir / "mirror_000001.tar")
      .file("./working-dir/x", "oc-mirror's file")
      .file("./docker/registry/v2/blobs/sha256/ab/cd/data", "a blob")
      .close();
  const std::vector<PlannedEntry> plan{
      planned("registry/blob",
              "a blob",
              {{}, dir / "mirror_000001.tar", "docker/registry/v2/blobs/sha256/ab/cd/data", {}}),
      planned("oc-mirror/working-dir/x",
              "oc-mirror's file",
              {{}, dir / "mirror_000001.tar", "working-dir/x", std::nullopt})};
  const std::map<std::string, ReadMember> members = pack(dir.path(), plan);
  EXPECT_EQ(members.at("registry/blob").content, "a blob");
  EXPECT_EQ(members.at("oc-mirror/working-dir/x").content, "oc-mirror's file");
}

// A file that changed between planning and packing is refused by name, and so is an archive
// entry that is no longer there.
TEST(CopyPayload, RefusesBytesThatDifferFromThePlan) {
  const TempDir dir;
  test::write_file(dir / "disk/blob", "changed!!");
  EXPECT_ZB_ERROR(pack(dir.path(),
                       {planned("registry/blob",
                                "from disk",
                                {(dir / "disk/blob").string(), {}, {}, std::nullopt})}),
                  ErrorKind::check,
                  "disk/blob");
  test::TarBuilder(dir / "a.tar").file("other", "x").close();
  EXPECT_ZB_ERROR(
      pack(dir.path(),
           {planned("oc-mirror/gone", "gone", {{}, dir / "a.tar", "gone", std::nullopt})}),
      ErrorKind::input,
      "gone");
  EXPECT_FALSE(fs::exists(dir / "b.zb")); // nothing half-written
}

} // namespace
} // namespace zbundle::bundle
