#pragma once

// `zbundle-extract check`: before the admin runs hcp, does what the bundle needs answer on the
// site? The mirror over TLS with the bundle's CA (as verify-ca --probe would), the CA's
// remaining days, each boot image at its URL with the size and SHA-256 the signed manifest
// lists, and the hosted cluster's api. and *.apps. names. One line per check; a problem is a
// line, never an exception, so every check runs.

#include "core/bundle/bundle_reader.hpp"
#include "core/ics/mirror_name.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace zbundle::extract {

struct PreflightOptions {
  std::filesystem::path bundle;
  bundle::Trust trust;
  std::optional<ics::MirrorName> mirror; // default: the bundle's
  std::filesystem::path ca;              // default: the bundle's CA
  std::string boot_url;                  // where the boot images are served; empty: not checked
  std::string cluster_domain;            // "<name>.<base domain>"; empty: not checked
  std::filesystem::path hosts_file = "/etc/hosts";
  std::int64_t now = 0;
  int min_days = 30; // a CA expiring sooner is a problem
  int timeout_seconds = 10;
};

struct PreflightLine {
  std::string check;   // "mirror", "ca", "boot", "dns"
  std::string subject; // what was checked: host:port, a CA subject, a URL, a name
  bool ok = false;
  std::string detail;
};

// Throws Error{check} for a bundle whose signature does not verify, Error{usage} for options
// that cannot be used (a boot URL that is not http(s), no mirror anywhere).
[[nodiscard]] std::vector<PreflightLine> run_preflight(const PreflightOptions& options);

} // namespace zbundle::extract
