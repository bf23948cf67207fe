#pragma once

// The CA bundle that travels with the mirror is checked on its own too: every certificate a
// CA, valid now, and how long it stays valid.

#include "core/pki/certificate_file.hpp"
#include "core/util/handles.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace zbundle::pki {

struct BundleEntry {
  CertificateInfo info;
  std::int64_t days_left = 0; // until notAfter, from the check time; negative when expired
  std::string problem;      // "not a CA", "expired", "not yet valid", "expires in N days", or empty
  bool is_expiring = false; // the problem is only "expires in N days"
};

// One entry per certificate, in file order; `min_days` sets when "expires in N days" is said.
[[nodiscard]] std::vector<BundleEntry>
check_ca_bundle(const std::vector<util::Certificate>& bundle, std::int64_t at, int min_days);

// For a CA bundle that is about to travel or be installed: throws Error{check} naming
// `subject` and the certificate when one is not a CA or not valid at `at`; returns the
// warnings (expiring within `min_days`), one line each.
[[nodiscard]] std::vector<std::string>
require_usable_ca_bundle(const std::vector<util::Certificate>& bundle,
                         std::string_view subject,
                         std::int64_t at,
                         int min_days);

} // namespace zbundle::pki
