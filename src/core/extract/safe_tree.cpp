#include "core/extract/safe_tree.hpp"

#include "core/util/error.hpp"
#include "core/util/sha256.hpp"
#include "core/util/str_cat.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <system_error>

namespace zbundle::extract {
namespace {

using util::str_cat;

constexpr int k_directory_flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

[[noreturn]] void fail(std::string_view subject, std::string_view what, int error) {
  throw Error(ErrorKind::io, str_cat(subject, ": ", what, ": ", errno_message(error)));
}

// Calls `each` with every component of "a/b/c".
template <class Each> void for_each_component(std::string_view path, Each each) {
  while (!path.empty()) {
    const std::size_t slash = path.find('/');
    each(path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  }
}

} // namespace

util::Fd open_directory(const std::filesystem::path& path) {
  util::Fd fd(::open(path.c_str(), k_directory_flags));
  if (!fd.is_open()) {
    fail(path.string(), "cannot open the directory", errno);
  }
  return fd;
}

util::Fd make_directories(int root, std::string_view relative, std::string_view subject) {
  util::Fd current(::fcntl(root, F_DUPFD_CLOEXEC, 0));
  if (!current.is_open()) {
    fail(subject, "cannot open the directory", errno);
  }
  for_each_component(relative, [&](std::string_view part) {
    const std::string name(part);
    if (::mkdirat(current.get(), name.c_str(), 0755) != 0 && errno != EEXIST) {
      fail(subject, str_cat("cannot create ", name), errno);
    }
    util::Fd next(::openat(current.get(), name.c_str(), k_directory_flags));
    if (!next.is_open()) {
      // ELOOP or ENOTDIR: something that is not a directory (a planted symlink) is in the way
      fail(subject, str_cat(name, " is not a directory"), errno);
    }
    current = std::move(next);
  });
  return current;
}

std::pair<std::string_view, std::string_view> split_parent(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) {
    return {std::string_view(), path};
  }
  return {path.substr(0, slash), path.substr(slash + 1)};
}

util::Fd
create_file(int directory, std::string_view name, unsigned mode, std::string_view subject) {
  const std::string file(name);
  util::Fd fd(::openat(directory,
                       file.c_str(),
                       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                       static_cast<mode_t>(mode)));
  if (!fd.is_open()) {
    fail(subject, "cannot create", errno);
  }
  if (::fchmod(fd.get(), static_cast<mode_t>(mode)) != 0) { // exact, whatever the umask
    fail(subject, "cannot set the mode", errno);
  }
  return fd;
}

void sync(int fd, std::string_view subject) {
  if (::fsync(fd) != 0) {
    fail(subject, "cannot sync", errno);
  }
}

namespace {

// `relative` below `root`, opened for reading when it is a regular file reached without
// following a symbolic link; closed (with `status` unset) otherwise.
util::Fd open_regular_file(int root, std::string_view relative, struct stat& status) {
  const auto [parent, name] = split_parent(relative);
  util::Fd directory(::fcntl(root, F_DUPFD_CLOEXEC, 0));
  bool is_reachable = directory.is_open();
  for_each_component(parent, [&](std::string_view part) {
    if (is_reachable) {
      directory = util::Fd(::openat(directory.get(), std::string(part).c_str(), k_directory_flags));
      is_reachable = directory.is_open();
    }
  });
  if (!is_reachable) {
    return {};
  }
  util::Fd file(
      ::openat(directory.get(), std::string(name).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!file.is_open() || ::fstat(file.get(), &status) != 0 || !S_ISREG(status.st_mode)) {
    return {};
  }
  return file;
}

} // namespace

void lock_directory(int fd, std::string_view subject) {
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    fail(subject, "cannot lock", errno);
  }
}

std::size_t remove_abandoned(const std::filesystem::path& directory, std::string_view prefix) {
  std::size_t removed = 0;
  std::error_code error;
  for (const auto& item : std::filesystem::directory_iterator(directory, error)) {
    const std::string name = item.path().filename().string();
    if (!name.starts_with(prefix) || !item.is_directory(error) || item.is_symlink(error)) {
      continue;
    }
    const util::Fd held(::open(item.path().c_str(), k_directory_flags));
    if (held.is_open() && ::flock(held.get(), LOCK_EX | LOCK_NB) == 0) {
      remove_tree(item.path());
      ++removed;
    }
  }
  return removed;
}

bool holds_regular_file(int root, std::string_view relative) {
  struct stat status {};
  return open_regular_file(root, relative, status).is_open();
}

bool holds_file(int root,
                std::string_view relative,
                std::uint64_t size,
                std::string_view sha256_hex) {
  struct stat status {};
  const util::Fd file = open_regular_file(root, relative, status);
  if (!file.is_open() || static_cast<std::uint64_t>(status.st_size) != size) {
    return false;
  }
  util::Sha256 hash;
  std::array<std::byte, 1 << 16> buffer{};
  for (;;) {
    const ssize_t got = ::read(file.get(), buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0) {
      return false;
    }
    if (got == 0) {
      break;
    }
    hash.update(std::span(buffer).first(static_cast<std::size_t>(got)));
  }
  return hash.finish() == str_cat("sha256:", sha256_hex);
}

void remove_tree(const std::filesystem::path& path) noexcept {
  std::error_code ignored;
  std::filesystem::remove_all(path, ignored);
}

} // namespace zbundle::extract
