#pragma once

// `zbundle create`: packs oc-mirror output into a signed bundle (bundle-schema/README.md).
// Plans the payload (payload_plan.hpp), refuses an unsound mirror, builds the manifest from
// the oc-mirror model, signs it, and streams every entry once into its zstd frame, hashing as
// it goes; a mismatch aborts and nothing is published.

#include "core/bundle/manifest.hpp"
#include "core/ics/mirror_name.hpp"
#include "core/model/problem.hpp"
#include "core/oci/reference_graph.hpp"
#include "core/pki/signing_key.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace zbundle::bundle {

struct CreateOptions {
  std::vector<std::filesystem::path> inputs;
  std::filesystem::path output;
  std::optional<ics::MirrorName> mirror;
  unsigned max_nested_paths = 0;     // oc-mirror's --max-nested-paths for `mirror`; 0: none
  std::filesystem::path ca;          // the mirror registry's CA bundle, checked and carried
  std::filesystem::path boot_images; // RHCOS boot images carried under boot/; empty: none
  bool probe = false;                // also verify the live registry at `mirror` against `ca`
  std::string release;               // the release hcp-create-cluster.sh pins; empty: the newest
  // The mirror's credentials (a containers auth file), encrypted to `recipient` (a PEM
  // certificate): they never travel in plaintext.
  std::filesystem::path mirror_auth;
  std::filesystem::path recipient;
  std::string signer_chain_pem; // ZBUNDLE/signer.pem, when signing with a certificate
  // Earlier bundles the bastion already has, signed with the same key: blobs they carried
  // are left out, and their ids recorded.
  std::vector<std::filesystem::path> base_bundles;
  // A receipt signed on the bastion (zbundle-extract receipt) and the bastion's public key:
  // the blobs and manifests it confirms are left out, and its id recorded. `mirror` must name
  // the registry and namespace the receipt is of.
  std::filesystem::path receipt;
  std::filesystem::path receipt_key;
  oci::ArchitectureRule architectures; // --arch and --management-arch
  // --release-key: what release images' sigstore signatures must verify with
  std::vector<pki::VerifyingKey> release_keys;
  std::filesystem::path release_keyring; // OpenPGP keys for release signatures (gpgv)
  // Problem kinds the user waived (--allow): signed anyway, and the manifest says so.
  std::set<model::ProblemKind> allowed;
  int level = 3;
  unsigned threads = 0;          // zstd workers for large entries; 0 = one per core
  std::uint64_t volume_size = 0; // 0: one file
  bool space_check = true;       // refuse before writing when the bundle may not fit
  std::int64_t created = 0;      // seconds since the epoch
  std::function<void(std::uint64_t done, std::uint64_t total)> progress; // may be empty
};

struct CreateResult {
  Manifest manifest;
  std::vector<std::filesystem::path> files; // what was written, head first
  std::uint64_t compressed_bytes = 0;
  std::vector<model::Problem> warnings;
  std::vector<std::string> ca_warnings; // CA certificates expiring soon
};

// Throws Error{check} when the mirror has problems not waived in `allowed` (check::judge:
// verify-digests' problems and images the run collected that the payload lacks) or a blob does not
// match its name while packing; Error{input} for unusable inputs; Error{io} when writing fails. In
// every case nothing is left at `output`.
[[nodiscard]] CreateResult create_bundle(const CreateOptions& options, const pki::SigningKey& key);

} // namespace zbundle::bundle
