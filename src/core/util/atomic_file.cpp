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
  Fd fd(::mkostemp(name.data(), O_CLOEXEC));
  if (!fd.is_open()) {
    throw Error(ErrorKind::io,
                str_cat(m_target.string(), ": cannot create: ", errno_message(errno)));
  }
  m_temporary = name.data();
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
  if (::rename(m_temporary.c_str(), m_target.c_str()) != 0) {
    throw Error(ErrorKind::io,
                str_cat(m_target.string(), ": cannot rename into place: ", errno_message(errno)));
  }
  m_is_committed = true;
}

} // namespace zbundle::util
