#pragma once

// The boot images of a bundle written under the site's web root during apply's verified pass:
// each boot/<file> entry streams into a temporary file beside DIR/<file>, and only when the
// whole bundle verified are they renamed into place; a file already there with the same bytes
// is left alone. A second sink (the credentials collector) hears every entry too.

#include "core/bundle/bundle_reader.hpp"
#include "core/util/atomic_file.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace zbundle::extract {

class BootFilesWriter final : public bundle::EntrySink {
public:
  // `directory`: where the files go (created 0755 when missing, unless dry); `next`: a sink
  // that hears every entry too, may be null. Checks which files are there already.
  BootFilesWriter(const bundle::Manifest& manifest,
                  const std::filesystem::path& directory,
                  bool is_dry_run,
                  bundle::EntrySink* next);

  void begin(const bundle::Entry& entry) override;
  void write(std::span<const std::byte> bytes) override;
  void end(const bundle::Entry& entry, bool is_verified) override;

  // After the verified pass: renames every written file into place. Returns "new",
  // "replaced" or "unchanged" (prefixed "would be " when dry) per file, by its path.
  [[nodiscard]] std::vector<std::pair<std::filesystem::path, std::string>> commit();

private:
  struct Planned {
    std::string entry_path; // boot/<file>
    std::filesystem::path target;
    std::string change; // "new", "replaced", "unchanged"
    std::unique_ptr<util::AtomicFile> file;
  };
  std::vector<Planned> m_planned;
  Planned* m_current = nullptr;
  bool m_is_dry_run;
  bundle::EntrySink* m_next;
};

} // namespace zbundle::extract
