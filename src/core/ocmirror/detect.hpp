#pragma once

// Decides what an input path is (oc-mirror-formats.md 0, "Recommended detection order") and which
// directories and archives to walk for it.

#include "core/ocmirror/mirror_content.hpp"
#include "core/walk/tree_walker.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace zbundle::ocmirror {

struct ReadOptions {
  // v1 workspaces: the results directory to read ("results-1735689600"); the newest otherwise.
  std::optional<std::string> v1_results;
};

struct InputPlan {
  InputSource source;
  std::vector<walk::DirectoryWalk> directories; // walked after the archives, source.archives

  [[nodiscard]] walk::WalkPlan walk_plan() const { return {source.archives, directories}; }
};

// Detects the kind of `path`: an oc-mirror v2 working dir (or the folder holding it), a v2
// `mirror_NNNNNN.tar` set, a v1 workspace or `mirror_seq*_NNNNNN.tar` set, a registry storage
// tree, an OCI image layout, a single tar archive, a mirror-set YAML file or a mapping file.
// Throws Error{input}: missing path, nothing oc-mirror wrote, both v1 and v2 archives, a
// `--results` directory that does not exist.
[[nodiscard]] InputPlan plan_input(const std::filesystem::path& path, const ReadOptions& options);

} // namespace zbundle::ocmirror
