#pragma once

// Checks a mirror for everything that would fail late on the cluster: every blob's sha256
// against its name, every tag and revision resolving to a manifest that parses, every config,
// layer and child it references present (here or in --base) with the size the manifest says,
// and, when asked, every tagged image carrying the required platforms. Inputs are what the
// oc-mirror reader accepts (registry trees, oc-mirror v1/v2 directories and archive sets,
// read in place); all inputs are taken together, since a manifest may sit in one archive and
// its layers in another. Each byte is read once; only small JSON blobs (manifests, configs)
// are kept in memory.

#include "core/check/collected_images.hpp"
#include "core/oci/reference_graph.hpp"
#include "core/pki/signing_key.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace zbundle::check {

struct DigestOptions {
  oci::ArchitectureRule architectures = {}; // --arch, --management-arch
  // The readiness report (inspect --readiness): a status per image the run names, and the
  // release signatures judged with these keys, their problems reported as create's seal gate
  // sees them. Off: no statuses, no signature judged.
  bool with_image_statuses = false;
  std::vector<const pki::VerifyingKey*> release_keys = {};
  std::filesystem::path release_keyring = {};   // OpenPGP release signatures, through gpgv
  std::vector<std::filesystem::path> base = {}; // earlier runs whose blobs the bastion has
  unsigned jobs = 0;                            // hashing threads; 0 = one per core
};

struct DigestReport {
  std::vector<model::Problem> problems;
  std::uint64_t blob_count = 0;
  std::uint64_t blob_bytes = 0; // bytes hashed
  std::uint64_t tag_count = 0;
  std::uint64_t manifest_count = 0;
  std::uint64_t image_count = 0;     // images the oc-mirror run names, each found in the storage
  std::uint64_t signature_count = 0; // cosign signature tags ("sha256-<hex>.sig"), verified as any
  std::vector<ImageStatus> images;   // with_image_statuses only, in the run's order
};

// Verifies `inputs`. Problems are collected, never thrown; throws Error{input} only for an
// input that is not a mirror at all (missing path, unknown layout).
[[nodiscard]] DigestReport verify_digests(const std::vector<std::filesystem::path>& inputs,
                                          const DigestOptions& options);

} // namespace zbundle::check
