#pragma once

// The fixed members of a bundle and its offset index, ZBUNDLE/index.json
// (bundle-schema/README.md sections 2 and 5).

#include "core/bundle/manifest.hpp"
#include "core/bundle/volume_writer.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace zbundle::bundle {

constexpr std::string_view k_manifest_member = "ZBUNDLE/manifest.json";
constexpr std::string_view k_signature_member = "ZBUNDLE/manifest.sig";
constexpr std::string_view k_signer_member = "ZBUNDLE/signer.pem";
constexpr std::string_view k_index_member = "ZBUNDLE/index.json";
constexpr std::string_view k_index_signature_member = "ZBUNDLE/index.sig";

struct IndexFrame {
  std::string_view path; // the manifest entry's path (checked equal), valid while it lives
  FramePosition position;
};

// The exact bytes signed as ZBUNDLE/index.sig: the bundle id, the SHA-256 (hex) of the
// manifest's exact bytes, and one frame per payload entry, in order.
[[nodiscard]] std::string serialize_index(const Manifest& manifest,
                                          std::string_view manifest_sha256,
                                          const std::vector<FramePosition>& positions);

// Parses an index and checks it belongs to `manifest` (bundle id, the manifest's SHA-256, one
// frame per entry, same paths), as it streams by: no DOM of 100k frames. Throws Error{check}
// naming ZBUNDLE/index.json.
[[nodiscard]] std::vector<IndexFrame>
parse_index(std::string_view json, const Manifest& manifest, std::string_view manifest_sha256);

} // namespace zbundle::bundle
