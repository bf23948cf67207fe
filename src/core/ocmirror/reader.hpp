#pragma once

#include "core/ocmirror/detect.hpp"
#include "core/ocmirror/mirror_content.hpp"

#include <filesystem>
#include <vector>

namespace zbundle::ocmirror {

// Reads every input (see plan_input for what each may be) and merges them into one model.
// Tar archives are read in place, streaming; only small files (links, YAML, metadata) are
// read whole. Throws Error{input} naming the file (and archive entry) for anything
// unusable: a missing path, a truncated or corrupt tar, malformed YAML or JSON.
[[nodiscard]] MirrorContent read_mirror(const std::vector<std::filesystem::path>& inputs,
                                        const ReadOptions& options);

} // namespace zbundle::ocmirror
