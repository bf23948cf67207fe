#pragma once

// One way to visit the files of a mirror input (oc-mirror output, a registry tree, an OCI
// layout), whether it is a directory or a tar archive read in place with libarchive (streaming: an
// entry's bytes can only be read while it is being visited, and only small files are ever read
// whole).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace zbundle::walk {

enum class EntryType { regular, directory, symlink, hardlink, other };

struct TreeEntry {
  std::string path; // relative, without "./" or a trailing '/'
  EntryType type = EntryType::other;
  std::uint64_t size = 0;  // bytes, for regular files
  std::string link_target; // for symlinks and hardlinks
  std::string disk_path;   // the file itself, for directory walks; empty inside archives
  std::string archive;     // the tar file, for archive entries; empty for directory walks
};

// Gives access to the bytes of the entry being visited.
class EntryContent {
public:
  EntryContent() = default;
  EntryContent(const EntryContent&) = delete;
  EntryContent& operator=(const EntryContent&) = delete;
  virtual ~EntryContent() = default;
  // The whole entry as text. Throws Error{input} when it is larger than max_bytes or cannot be
  // read (the message names the archive or file and the entry).
  [[nodiscard]] virtual std::string read_text(std::size_t max_bytes) = 0;
  // The next bytes of the entry, for streaming large files; 0 at the end. Use either this or
  // read_text for one entry. Throws Error{input} when reading fails.
  [[nodiscard]] virtual std::size_t read_some(std::span<char> buffer) = 0;
};

using EntryVisitor = std::function<void(const TreeEntry&, EntryContent&)>;

// Visits every file below `root`, recursively, without following symlinks; entry paths are
// `prefix` + the path relative to `root`. Throws Error{input} when `root` cannot be read.
void walk_directory(const std::filesystem::path& root,
                    std::string_view prefix,
                    const EntryVisitor& visit);

// Visits every entry of the (uncompressed, ustar/pax/gnu) tar archive `tar_path` in order.
// Throws Error{input} naming the archive (and entry) when it is truncated, corrupt, or holds an
// absolute or `..` path.
void walk_tar(const std::filesystem::path& tar_path, const EntryVisitor& visit);

// A directory to walk and what goes before its entries' paths, e.g. "working-dir/".
struct DirectoryWalk {
  std::filesystem::path root;
  std::string prefix;
};

// Everything one input is read from: its tar archives, in order, then its directories.
struct WalkPlan {
  std::vector<std::filesystem::path> archives;
  std::vector<DirectoryWalk> directories;
};

// Walks `plan` in its order; `enter` hears each archive or directory root (as a string, for
// messages) before its entries are visited. Throws as walk_tar and walk_directory do.
void walk_plan(const WalkPlan& plan,
               const std::function<void(const std::string& container)>& enter,
               const EntryVisitor& visit);

} // namespace zbundle::walk
