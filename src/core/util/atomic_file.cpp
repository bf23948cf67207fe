#include "core/util/atomic_file.hpp"

#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace zbundle::util {

AtomicFile::AtomicFile(std::filesystem::path target, unsigned mode, DiskWrites writes)
    : m_target(std::move(target)) {
  const std::filesystem::path directory = m_target.has_parent_path() ? m_target.parent_path() : ".";
  std::string pattern =
      (directory / str_cat(".", m_target.filename().string(), ".XXXXXX")).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  m_fd = Fd(::mkostemp(name.data(), O_CLOEXEC));
  if (!m_fd.is_open()) {
    throw Error(ErrorKind::io,
                str_cat(m_target.string(), ": cannot create: ", errno_message(errno)));
  }
  m_temporary = name.data();
  if (::fchmod(m_fd.get(), static_cast<mode_t>(mode)) != 0) {
    throw Error(ErrorKind::io,
                str_cat(m_target.string(), ": cannot set mode: ", errno_message(errno)));
  }
  m_may_write_direct = writes == DiskWrites::direct_when_aligned;
}

AtomicFile::~AtomicFile() {
  if (!m_is_committed && !m_temporary.empty()) {
    ::unlink(m_temporary.c_str());
  }
}

void AtomicFile::write(std::span<const std::byte> bytes) {
  while (!bytes.empty()) {
    const std::size_t written = write_some(bytes);
    bytes = bytes.subspan(written);
    m_offset += written;
    m_writeback.wrote(m_fd.get(), written);
  }
}

// One pwrite: O_DIRECT for the whole aligned blocks at the front when they are allowed,
// else through the page cache.
std::size_t AtomicFile::write_some(std::span<const std::byte> bytes) {
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
    throw Error(
        ErrorKind::io,
        str_cat(m_target.string(), ": cannot write: ", errno_message(written < 0 ? errno : EIO)));
  }
}

// Turns O_DIRECT on or off for the file; m_is_direct says what it is.
void AtomicFile::set_direct(bool is_direct) {
  if (is_direct == m_is_direct) {
    return;
  }
  const int flags = ::fcntl(m_fd.get(), F_GETFL);
  if (flags >= 0
      && ::fcntl(m_fd.get(), F_SETFL, is_direct ? flags | O_DIRECT : flags & ~O_DIRECT) == 0) {
    m_is_direct = is_direct;
  } else if (!is_direct) {
    throw Error(ErrorKind::io,
                str_cat(m_target.string(), ": cannot turn O_DIRECT off: ", errno_message(errno)));
  }
}

void AtomicFile::write(std::string_view text) {
  write(std::as_bytes(std::span(text.data(), text.size())));
}

void AtomicFile::commit() {
  if (::fsync(m_fd.get()) != 0) {
    throw Error(ErrorKind::io, str_cat(m_target.string(), ": cannot sync: ", errno_message(errno)));
  }
  if (::rename(m_temporary.c_str(), m_target.c_str()) != 0) {
    throw Error(ErrorKind::io,
                str_cat(m_target.string(), ": cannot rename into place: ", errno_message(errno)));
  }
  m_is_committed = true;
}

} // namespace zbundle::util
