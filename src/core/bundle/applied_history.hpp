#pragma once

// What was applied to a target, bundle after bundle (`state_dir`/applied.json): each complete
// push records its bundle's releases and the manifests its repositories reference, so that
// `zbundle-extract prune --keep-release N` knows what the last N releases still need.

#include "core/bundle/manifest.hpp"

#include <cstddef>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace zbundle::bundle {

struct AppliedRecord {
  std::string id;
  std::string created;
  std::vector<model::ReleaseImage> releases;
  std::map<std::string, std::set<std::string>> manifests; // repository -> digests referenced
};

inline constexpr std::size_t k_applied_kept = 16; // records kept per target, the newest

// The bundles applied to `target`, oldest first; none when there is no file. Throws
// Error{input} naming the file for one that is not a history, or holds what no bundle could.
[[nodiscard]] std::vector<AppliedRecord> applied_history(const std::filesystem::path& state_dir,
                                                         std::string_view target);

// Appends `manifest` as applied to `target` (atomically; a re-run of the bundle applied last
// replaces its record). Throws Error{io}.
void record_applied(const std::filesystem::path& state_dir,
                    std::string_view target,
                    const Manifest& manifest);

} // namespace zbundle::bundle
