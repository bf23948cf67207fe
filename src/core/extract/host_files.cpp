#include "core/extract/host_files.hpp"

#include "core/util/atomic_file.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/text_file.hpp"

#include <sys/stat.h>

#include <vector>

namespace zbundle::extract {
namespace {

namespace fs = std::filesystem;
using util::str_cat;

constexpr std::size_t k_max_host_file = std::size_t{16} << 20;

// Creates the missing parents of `path`; returns the ones it made, innermost first.
std::vector<fs::path> make_parent(const fs::path& path) {
  std::vector<fs::path> missing;
  std::error_code error;
  for (fs::path parent = path.parent_path(); !parent.empty() && !fs::exists(parent, error);
       parent = parent.parent_path()) {
    missing.push_back(parent);
  }
  fs::create_directories(path.parent_path(), error);
  if (error) {
    throw Error(ErrorKind::io,
                str_cat(path.parent_path().string(), ": cannot create: ", error.message()));
  }
  return missing;
}

// Writes `content` to `path` whole or not at all; the directories made for it go again when
// the write fails, so a failed run leaves the tree as it found it.
void write_whole(const fs::path& path, unsigned mode, std::string_view content) {
  const std::vector<fs::path> made = make_parent(path);
  try {
    util::AtomicFile out(path, mode);
    out.write(content);
    out.commit();
  } catch (...) {
    for (const fs::path& directory : made) { // innermost first: each is empty when its turn comes
      std::error_code ignored;
      fs::remove(directory, ignored); // fails, harmlessly, if something came in meanwhile
    }
    throw;
  }
}

unsigned mode_of(const fs::path& path) {
  struct stat status {};
  return ::lstat(path.c_str(), &status) == 0 ? (status.st_mode & 07777U) : 0U;
}

} // namespace

std::string_view change_name(Change change) noexcept {
  switch (change) {
  case Change::created:
    return "new";
  case Change::replaced:
    return "replaced";
  case Change::unchanged:
    return "unchanged";
  }
  return "unchanged";
}

std::optional<std::string> read_if_present(const fs::path& path) {
  std::error_code error;
  if (!fs::exists(fs::symlink_status(path, error))) {
    return std::nullopt;
  }
  return util::read_text_file(path, k_max_host_file);
}

Change planned_change(const HostFile& file) {
  const std::optional<std::string> current = read_if_present(file.path);
  if (!current) {
    return Change::created;
  }
  return *current == file.content && mode_of(file.path) == file.mode ? Change::unchanged
                                                                     : Change::replaced;
}

Change install(const HostFile& file, const fs::path& root, const fs::path& backups) {
  const Change change = planned_change(file);
  if (change == Change::unchanged) {
    return change;
  }
  if (change == Change::replaced) { // secrets stay secret in the backup too
    write_whole(backups / file.path.lexically_relative(root),
                mode_of(file.path) & 0700U,
                *read_if_present(file.path));
  }
  write_whole(file.path, file.mode, file.content);
  return change;
}

} // namespace zbundle::extract
