#pragma once

// Writes a file once, from its start to its end, and starts the kernel's writeback as it goes
// (writeback.hpp). With DiskWrites::direct_when_aligned, runs of whole 4 KiB blocks that start
// at a 4 KiB file offset in 4 KiB-aligned memory go with O_DIRECT, around the page cache; the
// rest, and everything on a file system that refuses O_DIRECT, through it. For big files
// written once: copying them into fresh page-cache pages costs the kernel more CPU than
// hashing them, and they would only push other files out of the cache.

#include "core/util/fd.hpp"
#include "core/util/writeback.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace zbundle::util {

enum class DiskWrites { buffered, direct_when_aligned };
inline constexpr std::size_t k_direct_alignment = 4096;

class FileAppender {
public:
  FileAppender() = default; // no file
  // Appends to `fd` from offset 0; `subject` names the file in errors.
  FileAppender(Fd fd, std::string subject, DiskWrites writes);

  [[nodiscard]] bool is_open() const noexcept { return m_fd.is_open(); }
  [[nodiscard]] int fd() const noexcept { return m_fd.get(); }
  // Appends all of `bytes`. Throws Error{io} naming the subject.
  void write(std::span<const std::byte> bytes);
  // Starts the writeback of what the page cache still holds, e.g. at the end of the file.
  void start_writeback() noexcept { m_writeback.flush(m_fd.get()); }

private:
  [[nodiscard]] std::size_t write_some(std::span<const std::byte> bytes);
  void set_direct(bool is_direct);

  Fd m_fd;
  std::string m_subject;
  bool m_may_write_direct = false; // asked for, and not refused by the file system
  bool m_is_direct = false;        // O_DIRECT is set on m_fd
  std::uint64_t m_offset = 0;
  WritebackStarter m_writeback;
};

} // namespace zbundle::util
