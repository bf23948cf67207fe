#pragma once

// What a bundle will carry, decided before a byte is packed (bundle-schema/README.md sections
// 2 and 8): every blob once under its digest, every other oc-mirror file under oc-mirror/,
// link files left out (they are derived from the repositories), symlinks refused. Blobs are
// listed under their names and verified while packing; everything small (manifests, configs,
// oc-mirror's files) is read and hashed here, since the manifest needs it first.

#include "core/bundle/manifest.hpp"
#include "core/check/release_signatures.hpp"
#include "core/oci/reference_graph.hpp"

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace zbundle::bundle {

// Where a payload entry's bytes are: a file on disk, an entry of a tar archive, or text
// rendered in memory (the artifacts, a few KiB).
struct PayloadSource {
  std::string disk_path;
  std::filesystem::path archive;
  std::string archive_entry;
  std::optional<std::string> rendered;
};

struct PlannedEntry {
  Entry entry;
  PayloadSource source;
};

struct PayloadPlan {
  std::vector<PlannedEntry> entries; // bundle order: registry/ first, then oc-mirror/
  std::vector<model::RepositoryRecord> repositories;
  std::vector<model::Problem> problems; // what verify-digests would report; empty when sound
  std::vector<model::Problem> warnings; // foreign layers: not carried, by design
};

// Plans the payload of `inputs`. Blobs in `base_blobs` (digests the bastion has) are left
// out. `architectures` as verify-digests --arch and --management-arch; `signatures` as
// check::check_release_signatures. Throws Error{input} naming the file for a symlink or other
// non-regular file, or an unusable path.
[[nodiscard]] PayloadPlan plan_payload(const std::vector<std::filesystem::path>& inputs,
                                       const std::set<std::string>& base_blobs,
                                       const oci::ArchitectureRule& architectures,
                                       const check::SignatureRule& signatures);

} // namespace zbundle::bundle
