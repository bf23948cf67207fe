#pragma once

// Checks a mirror for everything that would fail late on the cluster: every blob's sha256
// against its name, every tag and revision resolving to a manifest that parses, every config,
// layer and child it references present (here or in --base) with the size the manifest says,
// and, when asked, every tagged image carrying the required platforms. Inputs are what the
// oc-mirror reader accepts (registry trees, oc-mirror v1/v2 directories and archive sets,
// read in place); all inputs are taken together, since a manifest may sit in one archive and
// its layers in another. Each byte is read once; only small JSON blobs (manifests, configs)
// are kept in memory.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace zbundle::oci {

enum class ProblemKind {
  missing_blob,    // a referenced blob is in neither the input nor --base
  digest_mismatch, // a blob's content does not hash to its name (or its name is not a digest)
  size_mismatch,   // a blob's size differs from the descriptor that references it
  bad_manifest,    // a tagged or revision manifest that does not parse
  dangling_tag,    // a tag whose link is unreadable or points at no blob
  missing_arch,    // a tagged image without a required platform
  schema1,         // a Docker schema 1 manifest: cannot be verified, say so
  foreign_layer,   // a non-distributable layer that is not in the mirror, by design
  unreadable,      // an input that cannot be read to the end (truncated or corrupt archive)
};

[[nodiscard]] std::string_view problem_kind_name(ProblemKind kind) noexcept;

struct Problem {
  ProblemKind kind;
  std::string path; // the file or entry, or "<repository>:<tag>" / "<repository>@<digest>"
  std::string expected;
  std::string actual;
};

struct DigestOptions {
  std::vector<std::string> required_architectures; // e.g. {"s390x", "amd64"}
  std::vector<std::filesystem::path> base;         // earlier runs whose blobs the bastion has
  unsigned jobs = 0;                               // hashing threads; 0 = one per core
};

struct DigestReport {
  std::vector<Problem> problems;
  std::uint64_t blob_count = 0;
  std::uint64_t blob_bytes = 0; // bytes hashed
  std::uint64_t tag_count = 0;
  std::uint64_t manifest_count = 0;
};

// Verifies `inputs`. Problems are collected, never thrown; throws Error{input} only for an
// input that is not a mirror at all (missing path, unknown layout).
[[nodiscard]] DigestReport verify_digests(const std::vector<std::filesystem::path>& inputs,
                                          const DigestOptions& options);

} // namespace zbundle::oci
