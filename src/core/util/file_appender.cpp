#include "core/util/file_appender.hpp"

#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace zbundle::util {

FileAppender::FileAppender(Fd fd, std::string subject, DiskWrites writes)
    : m_fd(std::move(fd)), m_subject(std::move(subject)),
      m_may_write_direct(writes == DiskWrites::direct_when_aligned) {}

void FileAppender::write(std::span<const std::byte> bytes) {
  while (!bytes.empty()) {
    const std::size_t written = write_some(bytes);
    bytes = bytes.subspan(written);
    m_offset += written;
    m_writeback.wrote(m_fd.get(), written);
  }
}

// One pwrite: O_DIRECT for the whole aligned blocks at the front when they are allowed,
// else through the page cache.
std::size_t FileAppender::write_some(std::span<const std::byte> bytes) {
  const std::size_t blocks = bytes.size() / k_direct_alignment * k_direct_alignment;
  const bool is_aligned =
      m_offset % k_direct_alignment == 0
      && reinterpret_cast<std::uintptr_t>(bytes.data()) % k_direct_alignment == 0;
  while (true) {
    const bool is_direct = m_may_write_direct && is_aligned && blocks > 0;
    set_direct(is_direct);
    if (is_direct != m_is_direct) { // the file system refuses O_DIRECT: buffered from now on
      m_may_write_direct = false;
      continue;
    }
    const ssize_t written = ::pwrite(
        m_fd.get(), bytes.data(), is_direct ? blocks : bytes.size(), static_cast<off_t>(m_offset));
    if (written > 0) {
      return static_cast<std::size_t>(written);
    }
    if (written < 0 && errno == EINTR) {
      continue;
    }
    if (written < 0 && errno == EINVAL && is_direct) { // an alignment the device refuses
      m_may_write_direct = false;
      continue;
    }
    throw Error(ErrorKind::io,
                str_cat(m_subject, ": cannot write: ", errno_message(written < 0 ? errno : EIO)));
  }
}

// Turns O_DIRECT on or off for the file; m_is_direct says what it is.
void FileAppender::set_direct(bool is_direct) {
  if (is_direct == m_is_direct) {
    return;
  }
  const int flags = ::fcntl(m_fd.get(), F_GETFL);
  if (flags >= 0
      && ::fcntl(m_fd.get(), F_SETFL, is_direct ? flags | O_DIRECT : flags & ~O_DIRECT) == 0) {
    m_is_direct = is_direct;
  } else if (!is_direct) {
    throw Error(ErrorKind::io,
                str_cat(m_subject, ": cannot turn O_DIRECT off: ", errno_message(errno)));
  }
}

} // namespace zbundle::util
