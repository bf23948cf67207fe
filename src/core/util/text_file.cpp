#include "core/util/text_file.hpp"

#include "core/util/error.hpp"
#include "core/util/fd.hpp"
#include "core/util/str_cat.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace zbundle::util {
std::string read_text_file(const std::filesystem::path& path, std::size_t max_bytes) {
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) {
    const int error_number = errno;
    const char* why = error_number == ELOOP ? "is a symbolic link" : nullptr;
    throw Error(ErrorKind::input,
                str_cat(path.string(),
                        ": cannot open: ",
                        why != nullptr ? std::string(why) : errno_message(error_number)));
  }
  struct stat info = {};
  if (::fstat(fd.get(), &info) != 0) {
    throw Error(ErrorKind::io, str_cat(path.string(), ": cannot stat: ", errno_message(errno)));
  }
  if (!S_ISREG(info.st_mode)) {
    throw Error(ErrorKind::input, str_cat(path.string(), ": cannot read: not a regular file"));
  }
  if (static_cast<std::size_t>(info.st_size) > max_bytes) {
    throw Error(ErrorKind::input,
                str_cat(path.string(),
                        ": too large: ",
                        static_cast<std::uint64_t>(info.st_size),
                        " bytes, the limit is ",
                        static_cast<std::uint64_t>(max_bytes)));
  }
  std::string text(static_cast<std::size_t>(info.st_size), '\0');
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t got = ::read(fd.get(), text.data() + done, text.size() - done);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0) {
      throw Error(ErrorKind::io, str_cat(path.string(), ": cannot read: ", errno_message(errno)));
    }
    if (got == 0) {
      text.resize(done); // the file shrank while we read it
      break;
    }
    done += static_cast<std::size_t>(got);
  }
  return text;
}

} // namespace zbundle::util
