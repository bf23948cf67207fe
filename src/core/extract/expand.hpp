#pragma once

// `zbundle-extract expand`: the verified payload written into a directory. Entries stream into
// a 0700 staging directory inside the target while the reader verifies them; only when every
// entry matched are they renamed into place, so a failure leaves the target as it was. The
// registry's link files are derived from the signed repository lists, so distribution's
// filesystem driver serves `TARGET/registry` as it is.

#include "core/bundle/bundle_reader.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace zbundle::extract {

enum class Part { registry, artifacts, oc_mirror, boot };

// "registry", "artifacts", "oc-mirror" or "boot". Throws Error{usage}.
[[nodiscard]] Part parse_part(std::string_view name);

struct ExpandOptions {
  std::filesystem::path bundle;
  bundle::Trust trust;
  std::filesystem::path target;
  std::optional<Part> only;
  std::filesystem::path state_dir; // the sequence against rollback (sequence.json)
  bool allow_rollback = false;
  bool space_check = true; // refuse before writing when the payload would not fit
};

struct ExpandResult {
  std::string bundle_id;
  std::uint64_t written = 0;   // files written (payload entries and link files)
  std::uint64_t unchanged = 0; // files already there with the right content
  std::uint64_t bytes = 0;     // bytes written
};

// Throws Error{check} for the first problem the reader finds (the target unchanged),
// Error{io} when the target lacks the space or cannot be written, Error{input} when the bundle
// or the key cannot be read.
[[nodiscard]] ExpandResult expand_bundle(const ExpandOptions& options);

} // namespace zbundle::extract
