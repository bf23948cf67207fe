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

// The payload paths of the blobs (manifests, configs, layers) the signed records of `manifest`
// name but none of its entries carries: what a --base bundle carried and the target tree must
// already hold. Sorted, without repeats.
[[nodiscard]] std::vector<std::string> blobs_left_to_base(const bundle::Manifest& manifest);

} // namespace zbundle::extract
