#include "core/bundle/payload_copier.hpp"

#include "core/bundle/stored_frame.hpp"
#include "core/util/error.hpp"
#include "core/util/file_reader.hpp"
#include "core/util/hash_pipeline.hpp"
#include "core/util/str_cat.hpp"
#include "core/walk/tree_walker.hpp"

#include <zstd.h>

#include <algorithm>
#include <array>
#include <optional>

namespace zbundle::bundle {
namespace {

using util::str_cat;

// True when a trial compression of the entry's first bytes gains almost nothing: layers that are
// compressed already (the usual case), or otherwise random.
bool is_incompressible(std::span<const char> head) {
  constexpr std::size_t k_sample_size = std::size_t{64} * 1024;
  constexpr double k_useful_ratio = 0.95;
  if (head.size() < k_sample_size) {
    return false; // small entries: compressing them is cheap whatever they hold
  }
  thread_local std::vector<char> output(ZSTD_compressBound(k_sample_size));
  const std::size_t size =
      ZSTD_compress(output.data(), output.size(), head.data(), k_sample_size, 1);
  return ZSTD_isError(size) == 0
         && static_cast<double>(size) > k_useful_ratio * static_cast<double>(k_sample_size);
}

bool is_compressed(std::span<const char> head) {
  const auto starts_with = [&](std::string_view magic) {
    return head.size() >= magic.size() && std::equal(magic.begin(), magic.end(), head.begin());
  };
  return starts_with("\x1f\x8b") || starts_with(k_zstd_magic)
         || starts_with("\xfd"
                        "7zXZ")
         || starts_with("BZh");
}

using ReadSome = std::function<std::size_t(std::span<char>)>;

// Reads each entry once into the hash pipeline's buffers: the second core hashes a buffer
// while this thread compresses and writes it. Digests are compared as they arrive and all of
// them before the payload ends, so a mismatch still aborts the bundle.
class Copier {
public:
  Copier(TarFrameWriter& tar, int level, const ByteProgress& progress)
      : m_tar(tar), m_level(level), m_progress(progress) {}

  FramePosition
  copy(const PlannedEntry& planned, const std::string& subject, const ReadSome& read) {
    const Entry& entry = planned.entry;
    std::span<char> buffer = m_hashes.next_buffer();
    std::size_t got = read(buffer);
    const std::span<const char> head(buffer.data(), got);
    // Already-compressed data (gzip, zstd, xz, bzip2 layers) is stored in raw zstd blocks:
    // even zstd's fastest level would spend a core finding nothing to gain.
    const std::optional<int> level =
        is_compressed(head) || is_incompressible(head) ? std::nullopt : std::optional(m_level);
    const FramePosition position = m_tar.begin_member(entry.path, entry.size, level);
    std::uint64_t total = 0;
    while (got > 0) {
      total += got;
      if (total > entry.size) {
        throw Error(
            ErrorKind::check,
            str_cat(subject, ": changed while packing: larger than ", entry.size, " bytes"));
      }
      m_hashes.submit(got);
      m_tar.write(std::as_bytes(buffer.first(got)));
      if (m_progress) {
        m_progress(got);
      }
      buffer = m_hashes.next_buffer();
      got = read(buffer);
    }
    if (total != entry.size) {
      throw Error(
          ErrorKind::check,
          str_cat(subject, ": changed while packing: ", total, " bytes instead of ", entry.size));
    }
    m_hashes.end_stream(m_pending.size());
    m_pending.push_back({subject, entry.sha256});
    m_tar.end_member();
    compare(m_hashes.take_digests());
    return position;
  }

  void finish() { compare(m_hashes.finish()); }

private:
  struct Pending {
    std::string subject;
    util::Sha256Digest expected;
  };

  void compare(const std::vector<std::pair<std::uint64_t, std::string>>& digests) const {
    for (const auto& [id, digest] : digests) {
      const Pending& pending = m_pending[id];
      const std::string actual = digest.substr(std::string_view("sha256:").size());
      if (actual != pending.expected.hex()) {
        throw Error(ErrorKind::check,
                    str_cat(pending.subject,
                            ": digest mismatch: expected sha256:",
                            pending.expected.hex(),
                            ", got sha256:",
                            actual));
      }
    }
  }

  TarFrameWriter& m_tar;
  int m_level;
  const ByteProgress& m_progress;
  std::vector<Pending> m_pending;
  util::HashPipeline m_hashes; // last: its thread stops before the rest goes away
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
    if (planned.source.rendered) {
      std::string_view rest = *planned.source.rendered;
      positions.push_back(copier.copy(planned, planned.entry.path, [&](std::span<char> buffer) {
        const std::size_t size = std::min(buffer.size(), rest.size());
        std::copy_n(rest.begin(), size, buffer.begin());
        rest.remove_prefix(size);
        return size;
      }));
      ++next;
      continue;
    }
    if (!planned.source.disk_path.empty()) {
      util::FileReader reader(planned.source.disk_path);
      positions.push_back(
          copier.copy(planned, planned.source.disk_path, [&](std::span<char> buffer) {
            return reader.read_some(buffer);
          }));
      ++next;
      continue;
    }
    // A run of entries from one archive: one walk, in archive order, as they were planned. The
    // bundle puts registry/ before oc-mirror/, so an archive that stores working-dir/ first
    // (a GNU tar repack) is walked again for the rest of the run; a walk that finds none of
    // what it looks for means the archive changed.
    const std::filesystem::path archive = planned.source.archive;
    const std::size_t run_start = next;
    walk::walk_tar(archive, [&](const walk::TreeEntry& entry, walk::EntryContent& content) {
      if (next < entries.size() && entries[next].source.archive == archive
          && entries[next].source.archive_entry == entry.path
          && entry.type == walk::EntryType::regular) {
        positions.push_back(
            copier.copy(entries[next],
                        str_cat(archive.string(), ": ", entry.path),
                        [&](std::span<char> buffer) { return content.read_some(buffer); }));
        ++next;
      }
    });
    if (next < entries.size() && entries[next].source.archive == archive && next == run_start) {
      throw Error(ErrorKind::input,
                  str_cat(archive.string(),
                          ": ",
                          entries[next].source.archive_entry,
                          ": missing, or out of order, on the second read"));
    }
  }
  copier.finish();
  return positions;
}

} // namespace zbundle::bundle
