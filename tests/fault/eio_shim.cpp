// An LD_PRELOAD shim that makes writes fail with EIO, for the I/O-error tests
// (tests/cli/write_errors.sh): once more than ZB_EIO_AFTER bytes (default 0) have been written
// to regular files whose path contains ZB_EIO_PATH, every further write(2) or pwrite(2) to such
// a file fails as a dying disk would. Without ZB_EIO_PATH (or with it empty) it changes nothing.
#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

unsigned long long g_written = 0;

bool is_doomed(int fd, std::size_t count) {
  const char* pattern = std::getenv("ZB_EIO_PATH");
  struct stat status {};
  if (pattern == nullptr || *pattern == '\0' || ::fstat(fd, &status) != 0
      || !S_ISREG(status.st_mode)) {
    return false;
  }
  std::array<char, 64> link{};
  std::array<char, 4096> path{};
  std::snprintf(link.data(), link.size(), "/proc/self/fd/%d", fd);
  const ssize_t length = ::readlink(link.data(), path.data(), path.size() - 1);
  if (length <= 0 || std::strstr(path.data(), pattern) == nullptr) {
    return false;
  }
  const char* after = std::getenv("ZB_EIO_AFTER");
  const unsigned long long limit = after != nullptr ? std::strtoull(after, nullptr, 10) : 0;
  if (g_written + count > limit) {
    return true;
  }
  g_written += count;
  return false;
}

template <class Function> Function next(const char* name) {
  return reinterpret_cast<Function>(::dlsym(RTLD_NEXT, name));
}

} // namespace

extern "C" ssize_t write(int fd, const void* buffer, std::size_t count) {
  static const auto real = next<ssize_t (*)(int, const void*, std::size_t)>("write");
  if (is_doomed(fd, count)) {
    errno = EIO;
    return -1;
  }
  return real(fd, buffer, count);
}

extern "C" ssize_t pwrite(int fd, const void* buffer, std::size_t count, off_t offset) {
  static const auto real = next<ssize_t (*)(int, const void*, std::size_t, off_t)>("pwrite");
  if (is_doomed(fd, count)) {
    errno = EIO;
    return -1;
  }
  return real(fd, buffer, count, offset);
}

extern "C" ssize_t pwrite64(int fd, const void* buffer, std::size_t count, off_t offset) {
  return pwrite(fd, buffer, count, offset);
}
