#pragma once

#include "core/util/file_appender.hpp"

#include <cstddef>
#include <filesystem>
#include <span>
#include <string_view>

namespace zbundle::util {

// Writes a file so that readers see either the old content or the whole new content: an
// unnamed file in the same directory (O_TMPFILE; a hidden temporary name where the file system
// has none), fsync, then named and renamed into place in commit(). Destroyed without commit(),
// or killed, it leaves the target as it was and, with O_TMPFILE, nothing else.
class AtomicFile {
public:
  // Creates the temporary file next to `target` with `mode` (e.g. 0644, 0600).
  // Throws Error{io} naming the target when it cannot.
  AtomicFile(std::filesystem::path target, unsigned mode, DiskWrites writes = DiskWrites::buffered);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  // Appends bytes. Throws Error{io}.
  void write(std::span<const std::byte> bytes);
  void write(std::string_view text);
  // fsyncs and renames into place. Throws Error{io}; the target is unchanged then.
  void commit();

private:
  std::filesystem::path m_target;
  std::filesystem::path m_temporary;
  FileAppender m_file;
  bool m_is_committed = false;
};

} // namespace zbundle::util
