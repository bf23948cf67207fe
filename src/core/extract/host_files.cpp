#include "core/extract/host_files.hpp"

#include "core/util/atomic_file.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/text_file.hpp"

#include <sys/stat.h>

namespace zbundle::extract {
namespace {

namespace fs = std::filesystem;
using util::str_cat;

constexpr std::size_t k_max_host_file = std::size_t{16} << 20;

void make_parent(const fs::path& path) {
  std::error_code error;
  fs::create_directories(path.parent_path(), error);
  if (error) {
    throw Error(ErrorKind::io,
                str_cat(path.parent_path().string(), ": cannot create: ", error.message()));
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
  if (change == Change::replaced) {
    const fs::path copy = backups / file.path.lexically_relative(root);
    make_parent(copy);
    util::AtomicFile backup(copy, mode_of(file.path) & 0700U); // secrets stay secret
    backup.write(*read_if_present(file.path));
    backup.commit();
  }
  make_parent(file.path);
  util::AtomicFile out(file.path, file.mode);
  out.write(file.content);
  out.commit();
  return change;
}

} // namespace zbundle::extract
