#include "core/pki/system_trust.hpp"

#include <system_error>

namespace zbundle::pki {
namespace {

namespace fs = std::filesystem;

constexpr std::array<std::string_view, 1> k_public_suffix_lists{
    "/usr/share/publicsuffix/public_suffix_list.dat"};

bool exists(const fs::path& path, bool as_directory) {
  std::error_code ignored;
  return as_directory ? fs::is_directory(path, ignored) : fs::exists(path, ignored);
}

} // namespace

std::optional<fs::path> find_system_bundle(const fs::path& root) {
  for (const TrustStoreLayout& layout : k_trust_store_layouts) {
    if (fs::path bundle = root / layout.bundle; exists(bundle, false)) {
      return bundle;
    }
  }
  return std::nullopt;
}

std::optional<TrustStoreLayout> find_anchor_store(const fs::path& root) {
  for (const TrustStoreLayout& layout : k_trust_store_layouts) {
    if (!layout.anchors.empty() && exists(root / layout.anchors, true)) {
      return layout;
    }
  }
  return std::nullopt;
}

std::optional<fs::path> find_public_suffix_list() {
  for (const std::string_view candidate : k_public_suffix_lists) {
    if (exists(candidate, false)) {
      return fs::path(candidate);
    }
  }
  return std::nullopt;
}

} // namespace zbundle::pki
