#include "core/bundle/entry_path.hpp"

#include "core/util/str_cat.hpp"

#include <array>

namespace zbundle::bundle {
namespace {

constexpr std::size_t k_max_path_bytes = 4096;
constexpr std::size_t k_max_component_bytes = 255;
constexpr unsigned char k_first_printable = 0x20;
constexpr unsigned char k_delete = 0x7f;

// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    unsigned int code = 0;
    if (lead < 0x80) {
      ++i;
      continue;
    }
    if ((lead & 0xE0U) == 0xC0) {
      length = 2;
      code = lead & 0x1FU;
    } else if ((lead & 0xF0U) == 0xE0) {
      length = 3;
      code = lead & 0x0FU;
    } else if ((lead & 0xF8U) == 0xF0) {
      length = 4;
      code = lead & 0x07U;
    } else {
      return false;
    }
    if (i + length > text.size()) {
      return false;
    }
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0U) != 0x80) {
        return false;
      }
      code = (code << 6U) | (next & 0x3FU);
    }
    constexpr std::array<unsigned int, 5> k_smallest{0, 0, 0x80, 0x800, 0x10000};
    if (code < k_smallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += length;
  }
  return true;
}

} // namespace

std::string payload_path_problem(std::string_view path) {
  if (!path.starts_with(k_registry_tree) && !path.starts_with(k_oc_mirror_tree)
      && !path.starts_with(k_artifacts_tree) && !path.starts_with(k_boot_tree)) {
    return "not under registry/, oc-mirror/, artifacts/ or boot/";
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
  if (!is_utf8(path)) {
    return "is not valid UTF-8";
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
