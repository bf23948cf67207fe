#pragma once

// Cluster resources oc-mirror writes only after disk-to-mirror, made from what a mirror-to-disk
// run holds, so the bastion gets them either way.
//
// The release signatures a v2 mirror-to-disk run keeps in working-dir/signatures/, one file per
// signature named "<tag>-sha256-<hex>" holding its raw OpenPGP bytes, made into the
// ConfigMap oc-mirror writes only after disk-to-mirror (oc-mirror-formats.md 2.5):
// openshift-config-managed/mirrored-release-signatures, labelled
// release.openshift.io/verification-signatures, binaryData "sha256-<hex>-<n>". The cluster
// version operator reads it to verify the release in a cluster that cannot reach Red Hat.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace zbundle::ocmirror {

inline constexpr std::string_view k_signature_configmap_name = "mirrored-release-signatures";

class SignatureFiles {
public:
  // Records the signature in file `name` (below working-dir/signatures/). Throws Error{input}
  // naming `subject` for a name without "sha256-<64 hex>" at its end, or empty bytes.
  void add(std::string_view name, std::string bytes, const std::string& subject);
  [[nodiscard]] bool empty() const noexcept { return m_signatures.empty(); }
  // The ConfigMap as YAML, the signatures of each digest numbered in file name order.
  [[nodiscard]] std::string configmap() const;

private:
  // digest hex -> file name -> bytes (file name order numbers them)
  std::map<std::string, std::map<std::string, std::string>> m_signatures;
};

// The UpdateService oc-mirror v2 writes for `graph: true` (oc-mirror-formats.md 2.6), pointing at
// ics::k_placeholder_mirror, which rendering moves to the real mirror.
[[nodiscard]] std::string update_service_text();

} // namespace zbundle::ocmirror
