#pragma once

#include "core/util/file_appender.hpp"

#include <cstddef>
#include <filesystem>
#include <span>
#include <string_view>

namespace zbundle::util {

// Writes a file so that readers see either the old content or the whole new content: a
// temporary file in the same directory, fsync, then rename in commit(). Destroyed without
// commit(), it deletes the temporary file and the target stays as it was.
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
