#pragma once

// The files `apply` installs on the bastion, each compared with what is there, the old one
// backed up when it is replaced, and written atomically with its mode.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace zbundle::extract {

enum class Change { created, replaced, unchanged };

[[nodiscard]] std::string_view change_name(Change change) noexcept;

struct HostFile {
  std::filesystem::path path; // absolute, under the root
  std::string content;
  unsigned mode = 0644;
};

// What installing `file` would do.
[[nodiscard]] Change planned_change(const HostFile& file);

// Installs `file` unless it is there already: a replaced file is first copied to `backups`
// plus its path below `root`. Throws Error{io} naming the file.
Change install(const HostFile& file,
               const std::filesystem::path& root,
               const std::filesystem::path& backups);

// The text of a small file, or nullopt when it does not exist. Throws Error{input} otherwise.
[[nodiscard]] std::optional<std::string> read_if_present(const std::filesystem::path& path);

} // namespace zbundle::extract
