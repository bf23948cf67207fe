#include "core/extract/boot_files.hpp"

#include "core/bundle/entry_path.hpp"
#include "core/util/error.hpp"
#include "core/util/file_reader.hpp"
#include "core/util/sha256.hpp"
#include "core/util/str_cat.hpp"

#include <array>

namespace zbundle::extract {
namespace {

namespace fs = std::filesystem;
using util::str_cat;

// True when `path` is a regular file holding exactly the entry's bytes.
bool holds(const fs::path& path, const bundle::Entry& entry) {
  std::error_code error;
  const fs::file_status status = fs::symlink_status(path, error);
  if (error || !fs::is_regular_file(status) || fs::file_size(path, error) != entry.size || error) {
    return false;
  }
  util::FileReader reader(path);
  util::Sha256 hasher;
  std::array<char, std::size_t{256} * 1024> buffer{};
  for (std::size_t got = reader.read_some(buffer); got > 0; got = reader.read_some(buffer)) {
    hasher.update(std::as_bytes(std::span(buffer.data(), got)));
  }
  return util::Sha256Digest::from_digest(hasher.finish()) == entry.sha256;
}

} // namespace

BootFilesWriter::BootFilesWriter(const bundle::Manifest& manifest,
                                 const fs::path& directory,
                                 bool is_dry_run,
                                 bundle::EntrySink* next)
    : m_is_dry_run(is_dry_run), m_next(next) {
  if (!is_dry_run) {
    std::error_code error;
    fs::create_directories(directory, error);
    if (error) {
      throw Error(ErrorKind::io, str_cat(directory.string(), ": cannot create: ", error.message()));
    }
  }
  for (const bundle::Entry& entry : manifest.entries) {
    if (!entry.path.starts_with(bundle::k_boot_tree)) {
      continue;
    }
    // the manifest's reader made sure the rest is one file name (a boot image's)
    const fs::path target = directory / entry.path.substr(bundle::k_boot_tree.size());
    std::error_code error;
    const bool exists = fs::exists(fs::symlink_status(target, error));
    m_planned.push_back({entry.path,
                         target,
                         holds(target, entry) ? "unchanged"
                         : exists             ? "replaced"
                                              : "new",
                         {}});
  }
}

void BootFilesWriter::begin(const bundle::Entry& entry) {
  m_current = nullptr;
  for (Planned& planned : m_planned) {
    if (planned.entry_path == entry.path && planned.change != "unchanged" && !m_is_dry_run) {
      planned.file =
          std::make_unique<util::AtomicFile>(planned.target, 0644, util::DiskWrites::buffered);
      m_current = &planned;
    }
  }
  if (m_next != nullptr) {
    m_next->begin(entry);
  }
}

void BootFilesWriter::write(std::span<const std::byte> bytes) {
  if (m_current != nullptr) {
    m_current->file->write(bytes);
  }
  if (m_next != nullptr) {
    m_next->write(bytes);
  }
}

void BootFilesWriter::end(const bundle::Entry& entry, bool is_verified) {
  if (m_current != nullptr && !is_verified) {
    m_current->file.reset(); // the temporary file goes; the target stays as it was
  }
  m_current = nullptr;
  if (m_next != nullptr) {
    m_next->end(entry, is_verified);
  }
}

std::vector<std::pair<fs::path, std::string>> BootFilesWriter::commit() {
  std::vector<std::pair<fs::path, std::string>> done;
  for (Planned& planned : m_planned) {
    if (planned.file) {
      planned.file->commit();
      planned.file.reset();
    }
    const bool is_change = planned.change != "unchanged";
    done.emplace_back(planned.target,
                      m_is_dry_run && is_change ? str_cat("would be ", planned.change)
                                                : planned.change);
  }
  return done;
}

} // namespace zbundle::extract
