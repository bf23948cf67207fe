#include "core/registry/request_target.hpp"

#include <algorithm>

namespace zbundle::registry {
namespace {

constexpr unsigned char k_delete = 0x7f;

} // namespace

std::string request_target(std::string_view url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) {
    return std::string(url);
  }
  const std::size_t path = url.find('/', scheme + 3);
  return path == std::string_view::npos ? "/" : std::string(url.substr(path));
}

std::string request_target_problem(std::string_view target) {
  if (!target.starts_with('/')) {
    return "not an absolute path";
  }
  for (const char c : target) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= ' ' || byte >= k_delete) {
      return "holds a space, a control character or a byte outside ASCII";
    }
  }
  const std::string_view path = target.substr(0, target.find('?'));
  std::size_t start = 1;
  while (start <= path.size()) {
    const std::size_t slash = std::min(path.find('/', start), path.size());
    const std::string_view segment = path.substr(start, slash - start);
    if (segment == "." || segment == ".." || segment == "%2e" || segment == "%2E"
        || segment.find("%2e%2e") != std::string_view::npos
        || segment.find("%2E%2E") != std::string_view::npos) {
      return "holds a dot segment";
    }
    start = slash + 1;
  }
  return {};
}

} // namespace zbundle::registry
