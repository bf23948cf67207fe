#pragma once

// Sigstore signatures of release images, as a cluster checks them before it pulls: OpenShift
// 4.22 applies the default `openshift` ClusterImagePolicy (scope
// quay.io/openshift-release-dev/ocp-release) to nodes at first boot, and updates of mirrored
// clusters are held until the signatures are mirrored. oc-mirror stores a signature beside the
// image as the tag "sha256-<hex>.sig" (cosign's tag-based attachment): an OCI manifest whose
// layers are simple-signing payloads, each carrying its signature in the annotation
// dev.cosignproject.cosign/signature. The digest is the one the cluster pulls the release by:
// for a `multi` payload the manifest list's, which is what cosign signs when given an index.

#include "core/check/openpgp_signatures.hpp"
#include "core/model/problem.hpp"
#include "core/oci/reference_graph.hpp"
#include "core/pki/signing_key.hpp"

#include <optional>
#include <string>
#include <vector>

namespace zbundle::check {

struct SignatureRule {
  std::string release_repository;                  // e.g. "openshift/release-images"; empty: off
  std::vector<const pki::VerifyingKey*> keys = {}; // --release-key; empty: unverified-signature
  const OpenPgpSignatures* openpgp = nullptr;      // the run's; null: not judged
  std::filesystem::path keyring = {};              // --release-keyring; empty: unverified
};

// What was found of one release image's signature.
struct ReleaseSignature {
  std::string tag;                       // the release's tag in the release repository
  std::string digest;                    // the digest the signature must name
  std::optional<model::Problem> problem; // empty: present, naming the digest, verified
  std::optional<model::Problem> openpgp; // the same for its OpenPGP release signature
};

// Every release image of `graph` (a tag in the release repository, not a signature tag) and
// its signature's verdict, by tag. Call after graph.check().
[[nodiscard]] std::vector<ReleaseSignature>
judge_release_signatures(const oci::ReferenceGraph& graph, const SignatureRule& rule);

// A problem per release image of `graph` (a tag in the release repository) without a sigstore
// signature that names its digest and verifies with one of `rule.keys`, and per release without
// an OpenPGP signature among `rule.openpgp` that does so with `rule.keyring`: missing-signature,
// unverified-signature (no keys given), invalid-signature (another digest, a signature no key
// verifies, a payload that is not there or does not parse). A signature manifest a --base
// bundle carries is not judged again, nor the OpenPGP signature of a release it carries. Call after
// graph.check().
[[nodiscard]] std::vector<model::Problem> check_release_signatures(const oci::ReferenceGraph& graph,
                                                                   const SignatureRule& rule);

} // namespace zbundle::check
