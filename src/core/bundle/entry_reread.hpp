#pragma once

// One payload member read by itself from its frame (bundle-schema/README.md section 7,
// "Reading an entry again"): for the frame hashers of a verify pass and for push's retries.
// Internal to the bundle reader.

#include "core/bundle/bundle_reader.hpp"

#include <cstdint>
#include <filesystem>
#include <string>

namespace zbundle::bundle::detail {

struct LoneRead {
  std::string digest;     // "sha256:<hex>" once every byte was read, else empty
  std::string problem;    // why not
  bool has_begun = false; // sink->begin() was called
};

// Reads the member at `frame` of `bundle` with files and a decoder of its own, checked to be
// `entry` (R7, R8, R10, R12 with `created`, and its size) and hashed; its bytes also go to
// `sink` (may be null; begin() and write() only). Safe to run on several threads.
[[nodiscard]] LoneRead read_alone(const std::filesystem::path& bundle,
                                  FramePosition frame,
                                  const Entry& entry,
                                  std::int64_t created,
                                  EntrySink* sink);

} // namespace zbundle::bundle::detail
