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
namespace {

constexpr unsigned k_name_attempts = 100;

std::string hidden_name(const std::filesystem::path& target, std::string_view suffix) {
  const std::filesystem::path directory = target.has_parent_path() ? target.parent_path() : ".";
  return (directory / str_cat(".", target.filename().string(), ".", suffix)).string();
}

// An unnamed file in `target`'s directory (O_TMPFILE), so that a process killed before commit()
// leaves nothing behind; given a name only by commit(), through /proc/self/fd. Not open when
// the file system or the missing /proc does not allow it.
Fd open_unnamed(const std::filesystem::path& target) {
  if (::access("/proc/self/fd", X_OK) != 0) {
    return {};
  }
  const std::filesystem::path directory = target.has_parent_path() ? target.parent_path() : ".";
  return Fd(::open(directory.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600));
}

} // namespace

AtomicFile::AtomicFile(std::filesystem::path target, unsigned mode, DiskWrites writes)
    : m_target(std::move(target)) {
  Fd fd = open_unnamed(m_target);
  if (!fd.is_open()) {
    std::string pattern = hidden_name(m_target, "XXXXXX");
    fd = Fd(::mkostemp(pattern.data(), O_CLOEXEC));
    if (!fd.is_open()) {
      throw Error(ErrorKind::io,
                  str_cat(m_target.string(), ": cannot create: ", errno_message(errno)));
    }
    m_temporary = pattern;
  }
  if (::fchmod(fd.get(), static_cast<mode_t>(mode)) != 0) {
    throw Error(ErrorKind::io,
                str_cat(m_target.string(), ": cannot set mode: ", errno_message(errno)));
  }
  m_file = FileAppender(std::move(fd), m_target.string(), writes);
}

AtomicFile::~AtomicFile() {
  if (!m_is_committed && !m_temporary.empty()) {
    ::unlink(m_temporary.c_str());
  }
}

void AtomicFile::write(std::span<const std::byte> bytes) {
  m_file.write(bytes);
}

void AtomicFile::write(std::string_view text) {
  write(std::as_bytes(std::span(text.data(), text.size())));
}

void AtomicFile::commit() {
  if (::fsync(m_file.fd()) != 0) {
    throw Error(ErrorKind::io, str_cat(m_target.string(), ": cannot sync: ", errno_message(errno)));
  }
  if (m_temporary.empty()) { // unnamed until now: a hidden name first, then over the target
    const std::string descriptor = str_cat("/proc/self/fd/", m_file.fd());
    for (unsigned attempt = 0; m_temporary.empty(); ++attempt) {
      std::string candidate = hidden_name(m_target, str_cat(::getpid(), "-", attempt));
      if (::linkat(AT_FDCWD, descriptor.c_str(), AT_FDCWD, candidate.c_str(), AT_SYMLINK_FOLLOW)
          == 0) {
        m_temporary = std::move(candidate);
      } else if (errno != EEXIST || attempt >= k_name_attempts) {
        throw Error(ErrorKind::io,
                    str_cat(m_target.string(), ": cannot name the file: ", errno_message(errno)));
      }
    }
  }
  if (::rename(m_temporary.c_str(), m_target.c_str()) != 0) {
    throw Error(ErrorKind::io,
                str_cat(m_target.string(), ": cannot rename into place: ", errno_message(errno)));
  }
  m_is_committed = true;
}

} // namespace zbundle::util
