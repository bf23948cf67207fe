#include "core/util/file_reader.hpp"

#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace zbundle::util {

FileReader::FileReader(std::filesystem::path path)
    : m_path(std::move(path)), m_fd(::open(m_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) {
  if (!m_fd.is_open()) {
    throw Error(ErrorKind::input,
                str_cat(m_path.string(), ": cannot open: ", errno_message(errno)));
  }
}

std::size_t FileReader::read_some(std::span<char> buffer) {
  while (true) {
    const ssize_t got = ::read(m_fd.get(), buffer.data(), buffer.size());
    if (got >= 0) {
      return static_cast<std::size_t>(got);
    }
    if (errno != EINTR) {
      throw Error(ErrorKind::input,
                  str_cat(m_path.string(), ": cannot read: ", errno_message(errno)));
    }
  }
}

void FileReader::seek(std::uint64_t offset) {
  if (::lseek(m_fd.get(), static_cast<off_t>(offset), SEEK_SET) < 0) {
    throw Error(ErrorKind::input,
                str_cat(m_path.string(), ": cannot seek to ", offset, ": ", errno_message(errno)));
  }
}

std::uint64_t FileReader::size() const {
  struct stat status {};
  if (::fstat(m_fd.get(), &status) != 0) {
    throw Error(ErrorKind::input,
                str_cat(m_path.string(), ": cannot stat: ", errno_message(errno)));
  }
  return static_cast<std::uint64_t>(status.st_size);
}

} // namespace zbundle::util
