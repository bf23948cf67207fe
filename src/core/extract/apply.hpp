#pragma once

// `zbundle-extract apply`: the bundle's model rendered with the bastion's own facts and
// installed on the host below a root: the registry CA (certs.d and the host trust store), a
// registries.conf.d drop-in, the mirror's credentials merged into the auth file, and the
// cluster artifacts with apply-cluster.sh. Replaced files are backed up, and a state file per
// signer refuses an older bundle than the last one applied.

#include "core/bundle/bundle_reader.hpp"
#include "core/ics/mirror_name.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace zbundle::extract {

struct ApplyOptions {
  std::filesystem::path bundle;
  bundle::Trust trust;
  std::filesystem::path root = "/";
  bool dry_run = false;
  std::optional<ics::MirrorName> mirror; // default: the mirror the bundle names
  std::filesystem::path ca;              // default: the CA the bundle carries
  std::filesystem::path authfile;        // default: <root>/root/.config/containers/auth.json
  std::filesystem::path pull_secret;     // the cluster's, to merge the mirror's credentials into
  std::filesystem::path recipient_certificate; // to open the credentials the bundle carries
  std::filesystem::path recipient_key;
  std::filesystem::path manifests_dir; // default: <root>/var/lib/zbundle/artifacts
  // The bundle's boot images go to boot_root/<file>, which the site serves at boot_url (both
  // or neither); the AgentServiceConfig rendered names them there.
  std::filesystem::path boot_root;
  std::string boot_url;
  std::filesystem::path state_dir; // the sequence against rollback; default <root>/var/lib/zbundle
  bool allow_rollback = false;
  std::int64_t now = 0;
};

struct ApplyAction {
  std::string subject; // a path as seen from the root ("/etc/containers/...") or a command
  std::string what;    // "new", "replaced", "unchanged", "would be new", "ran", ...
};

struct ApplyResult {
  std::string bundle_id;
  std::vector<ApplyAction> actions;
  std::vector<std::string> warnings;
};

// Throws Error{usage} for a boot URL that is not http(s)://... or given without a boot root;
// Error{check} for a bad signature, an older bundle than the state allows, or a CA
// that is expired or not a CA; Error{usage} when the mirror or the CA is neither given nor in
// the bundle; Error{io} when a file cannot be written (those written before stay, with their
// backups).
[[nodiscard]] ApplyResult apply_bundle(const ApplyOptions& options);

} // namespace zbundle::extract
