#pragma once

#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <span>
#include <utility>

namespace zbundle::util {

// Owns a file descriptor; move-only, closes it on destruction.
class Fd {
public:
  Fd() noexcept = default;
  explicit Fd(int fd) noexcept : m_fd(fd) {}
  Fd(Fd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      reset();
      m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }

  [[nodiscard]] int get() const noexcept { return m_fd; }
  [[nodiscard]] bool is_open() const noexcept { return m_fd >= 0; }

private:
  void reset() noexcept {
    if (m_fd >= 0) {
      ::close(m_fd);
      m_fd = -1;
    }
  }
  int m_fd = -1;
};

// pread(2) of up to buffer.size() bytes at `offset`, retried when a signal interrupts it: the
// bytes read (0 at the end of the file), or -1 with errno set. The file position is left alone.
inline ssize_t read_at(int fd, std::span<char> buffer, std::uint64_t offset) noexcept {
  ssize_t got = 0;
  do {
    got = ::pread(fd, buffer.data(), buffer.size(), static_cast<off_t>(offset));
  } while (got < 0 && errno == EINTR);
  return got;
}

} // namespace zbundle::util
