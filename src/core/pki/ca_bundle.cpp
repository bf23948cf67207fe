#include "core/pki/ca_bundle.hpp"

#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

namespace zbundle::pki {

std::vector<BundleEntry>
check_ca_bundle(const std::vector<util::Certificate>& bundle, std::int64_t at, int min_days) {
  constexpr std::int64_t k_day = std::int64_t{24} * 60 * 60;
  std::vector<BundleEntry> entries;
  for (const util::Certificate& certificate : bundle) {
    BundleEntry entry{describe_certificate(certificate.get()), 0, {}};
    const std::int64_t not_before = certificate_time(X509_get0_notBefore(certificate.get()));
    const std::int64_t not_after = certificate_time(X509_get0_notAfter(certificate.get()));
    entry.days_left = (not_after - at) / k_day;
    if (!entry.info.is_ca) {
      entry.problem = "not a CA";
    } else if (at > not_after) {
      entry.problem = util::str_cat("expired on ", entry.info.not_after);
    } else if (at < not_before) {
      entry.problem = util::str_cat("not valid before ", entry.info.not_before);
    } else if (entry.days_left < min_days) {
      entry.is_expiring = true;
      entry.problem =
          util::str_cat("expires in ", entry.days_left, " days, on ", entry.info.not_after);
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::vector<std::string> require_usable_ca_bundle(const std::vector<util::Certificate>& bundle,
                                                  std::string_view subject,
                                                  std::int64_t at,
                                                  int min_days) {
  std::vector<std::string> warnings;
  std::size_t number = 0;
  for (const BundleEntry& entry : check_ca_bundle(bundle, at, min_days)) {
    ++number;
    const std::string named = util::str_cat(
        subject, ": certificate ", number, " (", entry.info.subject, "): ", entry.problem);
    if (entry.is_expiring) {
      warnings.push_back(named);
    } else if (!entry.problem.empty()) {
      throw Error(ErrorKind::check, named);
    }
  }
  return warnings;
}

} // namespace zbundle::pki
