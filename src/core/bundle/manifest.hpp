#pragma once

// The bundle manifest, ZBUNDLE/manifest.json (bundle-schema/README.md section 3): the signed
// model of a bundle. Serialization is deterministic; parsing is strict (unknown fields, wrong
// types and inconsistent totals are refused), since the manifest decides what is trusted.

#include "core/model/signed_model.hpp"
#include "core/ocmirror/mirror_content.hpp"
#include "core/util/sha256.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace zbundle::bundle {

constexpr std::string_view k_format = "zbundle/v1";

struct Entry {
  std::string path;
  std::uint64_t size = 0;
  util::Sha256Digest sha256;
  friend bool operator==(const Entry&, const Entry&) = default;
};

struct Volume {
  std::string name; // "B.002"
  std::uint64_t size = 0;
  std::string sha256;
  friend bool operator==(const Volume&, const Volume&) = default;
};

// A manifest an earlier bundle carried or a receipt confirmed that this bundle's image set
// drops (docs/day-2.md, "Pruning"): pinned by its digest, with the tags that named it then.
struct PruneItem {
  std::string repository;        // as `repositories` name them
  std::string digest;            // sha256:<hex>
  std::vector<std::string> tags; // sorted; none for an index's child
  friend auto operator<=>(const PruneItem&, const PruneItem&) = default;
};

// The signed model, and what identifies the bundle and lists its bytes.
struct Manifest : model::SignedModel {
  std::string bundle_id; // 32 hex
  std::string created;   // RFC 3339 UTC, seconds
  std::string key_id;    // 64 hex
  std::vector<std::string> base_bundles;
  // The receipt (day 2) whose confirmed blobs and manifests this bundle leaves out.
  struct ReceiptRef {
    std::string id;     // sha256:<hex> of the receipt's body
    std::string key_id; // the bastion key that signed it
    friend bool operator==(const ReceiptRef&, const ReceiptRef&) = default;
  };
  std::optional<ReceiptRef> receipt;
  // What `zbundle-extract prune` may delete once this bundle is applied: sorted by repository
  // and digest, each once, none of them referenced by `repositories`.
  std::vector<PruneItem> prune;
  std::vector<Entry> entries;
  std::vector<Volume> volumes;

  [[nodiscard]] std::uint64_t total_bytes() const noexcept;
  friend bool operator==(const Manifest&, const Manifest&) = default;
};

// The exact bytes that are signed: compact JSON and a final newline.
[[nodiscard]] std::string serialize_manifest(const Manifest& manifest);

// Parses and checks a manifest (rules R5 and R6). Throws Error{check} naming
// ZBUNDLE/manifest.json and the field.
[[nodiscard]] Manifest parse_manifest(std::string_view json);

// "oc-mirror-v2" etc. for the manifest's source.kind.
[[nodiscard]] std::string_view source_kind_name(ocmirror::SourceFormat format) noexcept;

// The ids of the bundles `manifest` was made against (--base), ", "-separated, for messages.
[[nodiscard]] std::string base_bundle_ids(const Manifest& manifest);

// True when `manifest` leaves out what base bundles carried or a receipt confirmed.
[[nodiscard]] bool is_delta(const Manifest& manifest) noexcept;
// Who promised what a delta leaves out, for messages: "the base bundle (<ids>)", "receipt
// sha256:<hex>", or both.
[[nodiscard]] std::string left_out_by(const Manifest& manifest);

// "sha256:<hex>" of a registry blob entry (parse_manifest checked that its path is its
// digest), or nullopt for every other entry.
[[nodiscard]] std::optional<std::string> blob_digest(const Entry& entry);

// The digests of every registry blob `manifest` carries.
[[nodiscard]] std::set<std::string> carried_blob_digests(const Manifest& manifest);

} // namespace zbundle::bundle
