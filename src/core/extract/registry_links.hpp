#pragma once

// The link files of distribution's filesystem layout, which bundles do not carry: derived
// from the signed repository records (bundle-schema/README.md section 3) on expansion.

#include "core/bundle/manifest.hpp"

#include <string>
#include <vector>

namespace zbundle::extract {

struct LinkFile {
  std::string path;    // "registry/docker/registry/v2/repositories/<name>/..."
  std::string content; // "sha256:<hex>", no newline
};

// Every revision, tag (current and index) and layer link of `repositories`. Throws
// Error{check} naming the repository when a name or tag would not make a safe path.
[[nodiscard]] std::vector<LinkFile>
registry_links(const std::vector<model::RepositoryRecord>& repositories);

} // namespace zbundle::extract
