#pragma once

// Release (OpenPGP) signatures, as the cluster version operator checks a release in a cluster
// that cannot reach Red Hat: a ConfigMap labelled release.openshift.io/verification-signatures
// whose binaryData "sha256-<hex>-<n>" holds signed messages whose literal data is a
// simple-signing payload of type "atomic container signature" naming the release's digest.
// Red Hat signs the digest a release is pulled by (for a `multi` payload the manifest list's),
// the same digest the sigstore signature names. Verified with the system's gpgv against a
// keyring given by the user: a small, well-worn verifier of hostile OpenPGP input.

#include "core/model/mirrored_images.hpp"
#include "core/model/problem.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace zbundle::check {

// "sha256:<hex>" -> the signatures of that digest, in key order.
using OpenPgpSignatures = std::map<std::string, std::vector<std::string>>;

// The signatures the verification-signature ConfigMaps among `resources` carry. Throws
// Error{input} naming the resource's origin for one that does not parse, a key outside the
// "sha256-<64 hex>-<n>" grammar or a value that is not base64 of at most 64 KiB.
[[nodiscard]] OpenPgpSignatures
openpgp_signatures_in(const std::vector<model::ClusterResource>& resources);

// The problem with release `where`, pulled by `digest`, given `signatures` (null: none):
// missing-signature when there is none, unverified-signature when `keyring` is empty,
// invalid-signature when none is a message gpgv verifies with `keyring` whose payload names
// `digest`. Throws Error{input} when gpgv cannot be run.
[[nodiscard]] std::optional<model::Problem>
judge_openpgp_signatures(const std::string& where,
                         const std::string& digest,
                         const std::vector<std::string>* signatures,
                         const std::filesystem::path& keyring);

} // namespace zbundle::check
