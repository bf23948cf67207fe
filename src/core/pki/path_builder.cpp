#include "core/pki/path_builder.hpp"

#include <openssl/x509v3.h>

#include <algorithm>

namespace zbundle::pki {
namespace {

bool holds(const std::vector<X509*>& certificates, const X509* wanted) {
  return std::any_of(certificates.begin(), certificates.end(), [&](const X509* certificate) {
    return X509_cmp(certificate, wanted) == 0;
  });
}

class PathSearch {
public:
  PathSearch(const std::vector<X509*>& trusted,
             const std::vector<X509*>& untrusted,
             const PathLimits& limits)
      : m_trusted(trusted), m_untrusted(untrusted), m_limits(limits) {}

  // Depth first from the last certificate of `path`, trusted issuers before untrusted ones;
  // recursion is bounded by max_length.
  void extend(std::vector<X509*>& path) {
    for (X509* anchor : m_trusted) {
      if (!may_continue() || path.size() + 1 > m_limits.max_length) {
        return;
      }
      if (issued_by(path.back(), anchor) && !holds(path, anchor)) {
        m_paths.push_back(path);
        m_paths.back().push_back(anchor);
      }
    }
    for (X509* issuer : m_untrusted) {
      // Room for this intermediate and an anchor above it.
      if (!may_continue() || path.size() + 2 > m_limits.max_length) {
        return;
      }
      if (issued_by(path.back(), issuer) && !holds(path, issuer) && !holds(m_trusted, issuer)) {
        path.push_back(issuer);
        extend(path);
        path.pop_back();
      }
    }
  }

  std::vector<std::vector<X509*>> take_paths() {
    std::stable_sort(m_paths.begin(), m_paths.end(), [](const auto& left, const auto& right) {
      return left.size() < right.size();
    });
    return std::move(m_paths);
  }

private:
  bool may_continue() const {
    return m_paths.size() < m_limits.max_paths && m_steps < m_limits.max_steps;
  }

  bool issued_by(X509* subject, X509* issuer) {
    ++m_steps;
    return X509_check_issued(issuer, subject) == X509_V_OK;
  }

  const std::vector<X509*>& m_trusted;
  const std::vector<X509*>& m_untrusted;
  const PathLimits& m_limits;
  std::vector<std::vector<X509*>> m_paths;
  std::size_t m_steps = 0;
};

} // namespace

std::vector<std::vector<X509*>> candidate_paths(X509* leaf,
                                                const std::vector<X509*>& trusted,
                                                const std::vector<X509*>& untrusted,
                                                const PathLimits& limits) {
  if (holds(trusted, leaf)) {
    return {{leaf}};
  }
  PathSearch search(trusted, untrusted, limits);
  std::vector<X509*> path{leaf};
  search.extend(path);
  return search.take_paths();
}

} // namespace zbundle::pki
