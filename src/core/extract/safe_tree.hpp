#pragma once

// Files written by the extractor itself, never by archive_write_disk: every path is walked
// component by component from a directory descriptor with O_NOFOLLOW, so a symlink planted in
// the target (or racing in) is never followed, and files are created O_EXCL with fixed modes.

#include "core/util/fd.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace zbundle::extract {

// Opens an existing directory without following a symlink. Throws Error{io} naming `path`.
[[nodiscard]] util::Fd open_directory(const std::filesystem::path& path);

// The directory `relative` ("a/b/c") below `root`, created 0755 where missing. Throws
// Error{io} naming `subject` when a component is not a directory (a symlink included).
[[nodiscard]] util::Fd
make_directories(int root, std::string_view relative, std::string_view subject);

// Splits "a/b/name" into ("a/b", "name").
[[nodiscard]] std::pair<std::string_view, std::string_view> split_parent(std::string_view path);

// A new file `name` in `directory`, O_EXCL|O_NOFOLLOW, with `mode`. Throws Error{io}.
[[nodiscard]] util::Fd
create_file(int directory, std::string_view name, unsigned mode, std::string_view subject);

// fsync, throwing Error{io} naming `subject`.
void sync(int fd, std::string_view subject);

// Takes an exclusive lock on the open directory `fd`, held until it is closed or the process
// dies: a staging directory a live run works in. Throws Error{io} naming `subject`.
void lock_directory(int fd, std::string_view subject);

// Removes each directory named `prefix`* directly below `directory` whose lock nobody holds:
// what a run killed half way (kill -9, a power cut) left behind. Returns how many.
std::size_t remove_abandoned(const std::filesystem::path& directory, std::string_view prefix);

// True when `relative` below `root` is a regular file, reached without following a symlink.
[[nodiscard]] bool holds_regular_file(int root, std::string_view relative);

// True when `relative` below `root` is a regular file (not a symlink) of `size` bytes whose
// SHA-256 is `sha256_hex`: what an earlier expansion left and need not be written again.
[[nodiscard]] bool
holds_file(int root, std::string_view relative, std::uint64_t size, std::string_view sha256_hex);

// Removes `path` and everything in it (symlinks are removed, never followed); errors ignored,
// for cleaning up after a failure.
void remove_tree(const std::filesystem::path& path) noexcept;

} // namespace zbundle::extract
