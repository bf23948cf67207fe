#include "core/bundle/payload_copier.hpp"

#include "core/ocmirror/tree_walker.hpp"
#include "core/util/error.hpp"
#include "core/util/file_reader.hpp"
#include "core/util/sha256.hpp"
#include "core/util/str_cat.hpp"

#include <algorithm>
#include <array>

namespace zbundle::bundle {
namespace {

using util::str_cat;

constexpr std::size_t k_chunk_size = std::size_t{1} << 20;
// Already-compressed data (gzip, zstd, xz, bzip2 layers) gets zstd's fastest level: its blocks
// are stored nearly raw at a fraction of the CPU that level 3 would spend finding nothing.
constexpr int k_incompressible_level = -5;

bool is_compressed(std::span<const char> head) {
  const auto starts_with = [&](std::string_view magic) {
    return head.size() >= magic.size() && std::equal(magic.begin(), magic.end(), head.begin());
  };
  return starts_with("\x1f\x8b") || starts_with("\x28\xb5\x2f\xfd")
         || starts_with("\xfd"
                        "7zXZ")
         || starts_with("BZh");
}

using ReadSome = std::function<std::size_t(std::span<char>)>;

class Copier {
public:
  Copier(TarFrameWriter& tar, int level, const ByteProgress& progress)
      : m_tar(tar), m_level(level), m_progress(progress), m_buffer(k_chunk_size) {}

  FramePosition
  copy(const PlannedEntry& planned, const std::string& subject, const ReadSome& read) {
    const Entry& entry = planned.entry;
    std::size_t got = read(m_buffer);
    const int level =
        is_compressed(std::span(m_buffer.data(), got)) ? k_incompressible_level : m_level;
    const FramePosition position = m_tar.begin_member(entry.path, entry.size, level);
    util::Sha256 hasher;
    std::uint64_t total = 0;
    while (got > 0) {
      total += got;
      if (total > entry.size) {
        throw Error(
            ErrorKind::check,
            str_cat(subject, ": changed while packing: larger than ", entry.size, " bytes"));
      }
      const auto bytes = std::as_bytes(std::span(m_buffer.data(), got));
      hasher.update(bytes);
      m_tar.write(bytes);
      if (m_progress) {
        m_progress(got);
      }
      got = read(m_buffer);
    }
    if (total != entry.size) {
      throw Error(
          ErrorKind::check,
          str_cat(subject, ": changed while packing: ", total, " bytes instead of ", entry.size));
    }
    const std::string actual = hasher.finish().substr(std::string_view("sha256:").size());
    if (actual != entry.sha256) {
      throw Error(ErrorKind::check,
                  str_cat(subject,
                          ": digest mismatch: expected sha256:",
                          entry.sha256,
                          ", got sha256:",
                          actual));
    }
    m_tar.end_member();
    return position;
  }

private:
  TarFrameWriter& m_tar;
  int m_level;
  const ByteProgress& m_progress;
  std::vector<char> m_buffer;
};

} // namespace

std::vector<FramePosition> copy_payload(TarFrameWriter& tar,
                                        const std::vector<PlannedEntry>& entries,
                                        int level,
                                        const ByteProgress& progress) {
  Copier copier(tar, level, progress);
  std::vector<FramePosition> positions;
  positions.reserve(entries.size());
  std::size_t next = 0;
  while (next < entries.size()) {
    const PlannedEntry& planned = entries[next];
    if (!planned.source.disk_path.empty()) {
      util::FileReader reader(planned.source.disk_path);
      positions.push_back(
          copier.copy(planned, planned.source.disk_path, [&](std::span<char> buffer) {
            return reader.read_some(buffer);
          }));
      ++next;
      continue;
    }
    // A run of entries from one archive: one walk, in archive order, as they were planned.
    const std::filesystem::path archive = planned.source.archive;
    ocmirror::walk_tar(
        archive, [&](const ocmirror::TreeEntry& entry, ocmirror::EntryContent& content) {
          if (next < entries.size() && entries[next].source.archive == archive
              && entries[next].source.archive_entry == entry.path
              && entry.type == ocmirror::EntryType::regular) {
            positions.push_back(
                copier.copy(entries[next],
                            str_cat(archive.string(), ": ", entry.path),
                            [&](std::span<char> buffer) { return content.read_some(buffer); }));
            ++next;
          }
        });
    if (next < entries.size() && entries[next].source.archive == archive) {
      throw Error(ErrorKind::input,
                  str_cat(archive.string(),
                          ": ",
                          entries[next].source.archive_entry,
                          ": missing, or out of order, on the second read"));
    }
  }
  return positions;
}

} // namespace zbundle::bundle
