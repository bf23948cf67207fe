#pragma once

// Starts the kernel writing a file's new data to disk while more of it is still being
// written, so the fsync (or syncfs) at the end waits for the last few MiB rather than for the
// whole file: on the CI machine that final fsync was 40% of `zbundle create`. Only a hint;
// errors are left to that final sync, which reports them.

#include <fcntl.h>

#include <cstdint>

namespace zbundle::util {

class WritebackStarter {
public:
  // After `bytes` more were appended to `fd`.
  void wrote(int fd, std::uint64_t bytes) noexcept {
    m_written += bytes;
    if (m_written - m_started >= k_step) {
      flush(fd);
    }
  }
  // Everything appended so far, e.g. when the file is complete.
  void flush(int fd) noexcept {
    if (m_written > m_started) {
      (void)::sync_file_range(fd,
                              static_cast<off_t>(m_started),
                              static_cast<off_t>(m_written - m_started),
                              SYNC_FILE_RANGE_WRITE);
      m_started = m_written;
    }
  }
  // For the next file.
  void reset() noexcept { m_written = m_started = 0; }

private:
  static constexpr std::uint64_t k_step = std::uint64_t{8} << 20;
  std::uint64_t m_written = 0;
  std::uint64_t m_started = 0;
};

} // namespace zbundle::util
