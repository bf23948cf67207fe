#pragma once

// Reads a regular file in chunks, opened with O_NOFOLLOW so a symlink planted in a mirror is
// never followed.

#include "core/util/fd.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>

namespace zbundle::util {

class FileReader {
public:
  // Throws Error{input} naming the file when it cannot be opened (or is a symlink).
  explicit FileReader(std::filesystem::path path);
  // The next bytes; 0 at the end. Throws Error{input} naming the file when reading fails.
  [[nodiscard]] std::size_t read_some(std::span<char> buffer);
  // Moves to `offset` from the start. Throws Error{input} naming the file when it cannot.
  void seek(std::uint64_t offset);
  // The file's size now. Throws Error{input} naming the file when it cannot be read.
  [[nodiscard]] std::uint64_t size() const;

private:
  std::filesystem::path m_path;
  Fd m_fd;
};

} // namespace zbundle::util
