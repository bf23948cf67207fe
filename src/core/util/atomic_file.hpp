#pragma once

#include "core/util/fd.hpp"
#include "core/util/writeback.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>

namespace zbundle::util {

// How an AtomicFile's bytes reach the disk. `direct_when_aligned`: runs of whole 4 KiB blocks
// that start at a 4 KiB file offset from 4 KiB-aligned memory are written with O_DIRECT,
// bypassing the page cache (the rest, and every write where the file system refuses O_DIRECT,
// through it). For big files written once: copying them into fresh page-cache pages cost the
// kernel more CPU than hashing them, and they would only push other files out of the cache.
enum class DiskWrites { buffered, direct_when_aligned };
inline constexpr std::size_t k_direct_alignment = 4096;

// Writes a file so that readers see either the old content or the whole new content: a
// temporary file in the same directory, fsync, then rename in commit(). Destroyed without
// commit(), it deletes the temporary file and the target stays as it was.
class AtomicFile {
public:
  // Creates the temporary file next to `target` with `mode` (e.g. 0644, 0600).
  // Throws Error{io} naming the target when it cannot.
  AtomicFile(std::filesystem::path target, unsigned mode, DiskWrites writes = DiskWrites::buffered);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  // Appends bytes. Throws Error{io}.
  void write(std::span<const std::byte> bytes);
  void write(std::string_view text);
  // fsyncs and renames into place. Throws Error{io}; the target is unchanged then.
  void commit();

private:
  [[nodiscard]] std::size_t write_some(std::span<const std::byte> bytes);
  void set_direct(bool is_direct);

  std::filesystem::path m_target;
  std::filesystem::path m_temporary;
  Fd m_fd;
  bool m_may_write_direct = false; // asked for, and not refused by the file system
  bool m_is_direct = false;        // O_DIRECT is set on m_fd
  std::uint64_t m_offset = 0;
  WritebackStarter m_writeback;
  bool m_is_committed = false;
};

} // namespace zbundle::util
