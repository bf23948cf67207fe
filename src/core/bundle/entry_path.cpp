#include "core/bundle/entry_path.hpp"

#include "core/util/str_cat.hpp"

namespace zbundle::bundle {
namespace {

constexpr std::size_t k_max_path_bytes = 4096;
constexpr std::size_t k_max_component_bytes = 255;
constexpr unsigned char k_first_printable = 0x20;
constexpr unsigned char k_delete = 0x7f;

} // namespace

std::string payload_path_problem(std::string_view path) {
  if (!path.starts_with(k_registry_tree) && !path.starts_with(k_oc_mirror_tree)
      && !path.starts_with(k_artifacts_tree)) {
    return "not under registry/, oc-mirror/ or artifacts/";
  }
  if (path.size() > k_max_path_bytes) {
    return "longer than 4096 bytes";
  }
  for (const char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < k_first_printable || byte == k_delete || c == '\\') {
      return "holds a control character or a backslash";
    }
  }
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    const std::string_view component = path.substr(start, end - start);
    if (component.empty() || component == "." || component == "..") {
      return "has an empty, '.' or '..' component";
    }
    if (component.size() > k_max_component_bytes) {
      return "has a component longer than 255 bytes";
    }
    start = end + 1;
  }
  return {};
}

std::string blob_entry_path(std::string_view digest) {
  const std::string_view hex = digest.substr(digest.find(':') + 1);
  return util::str_cat(
      k_registry_tree, "docker/registry/v2/blobs/sha256/", hex.substr(0, 2), "/", hex, "/data");
}

} // namespace zbundle::bundle
