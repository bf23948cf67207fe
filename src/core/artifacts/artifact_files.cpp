#include "core/artifacts/artifacts.hpp"
#include "core/util/atomic_file.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <sys/stat.h>

#include <cerrno>

namespace zbundle::artifacts {
namespace {

unsigned permissions(FileMode mode) noexcept {
  switch (mode) {
  case FileMode::secret:
    return 0600;
  case FileMode::script:
    return 0755;
  case FileMode::regular:
    break;
  }
  return 0644;
}

} // namespace

void write_artifacts(const std::vector<Artifact>& artifacts,
                     const std::filesystem::path& directory) {
  if (::mkdir(directory.c_str(), 0755) != 0 && errno != EEXIST) {
    throw Error(ErrorKind::io,
                util::str_cat(directory.string(), ": cannot create: ", errno_message(errno)));
  }
  for (const Artifact& artifact : artifacts) {
    // Names are made by the renderer from checked parts; a slash here is a bug, not input.
    if (artifact.name.empty() || artifact.name.find('/') != std::string::npos
        || artifact.name.starts_with('.')) {
      throw Error(ErrorKind::io, util::str_cat(artifact.name, ": not a file name"));
    }
    util::AtomicFile file(directory / artifact.name, permissions(artifact.mode));
    file.write(artifact.content);
    file.commit();
  }
}

} // namespace zbundle::artifacts
