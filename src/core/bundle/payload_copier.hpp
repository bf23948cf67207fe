#pragma once

// Streams the planned payload into the bundle, each entry read once: on-disk files directly,
// archive entries by walking each archive in order. Every entry is hashed while it is packed
// and must match the size and SHA-256 the manifest already promised.

#include "core/bundle/payload_plan.hpp"
#include "core/bundle/tar_frame_writer.hpp"

#include <cstdint>
#include <functional>
#include <vector>

namespace zbundle::bundle {

using ByteProgress = std::function<void(std::uint64_t bytes)>;

// Writes `entries` in order; returns where each one's frame starts. Throws Error{check}
// naming the source when an entry's bytes differ from the plan, Error{input} when an archive
// entry has gone missing, Error{io} when reading or writing fails.
[[nodiscard]] std::vector<FramePosition> copy_payload(TarFrameWriter& tar,
                                                      const std::vector<PlannedEntry>& entries,
                                                      int level,
                                                      const ByteProgress& progress);

} // namespace zbundle::bundle
