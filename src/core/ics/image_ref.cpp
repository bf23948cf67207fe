#include "core/ics/image_ref.hpp"

#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/untrusted_text.hpp"

#include <algorithm>
#include <array>

namespace zbundle::ics {
namespace {

using util::str_cat;

constexpr std::size_t k_sha256_hex_length = 64;
constexpr std::size_t k_max_tag_length = 128;
constexpr std::size_t k_max_repository_length = 255;

struct TransportPrefix {
  std::string_view prefix;
  std::string_view name;
};
constexpr std::array k_transports{
    TransportPrefix{"docker://", "docker"},
    TransportPrefix{"oci://", "oci"},
    TransportPrefix{"oci:", "oci"},
    TransportPrefix{"file://", "file"},
};

[[noreturn]] void fail(std::string_view text, std::string_view why) {
  throw Error(ErrorKind::input, str_cat(text, ": not an image reference: ", why));
}

bool is_lower_alnum(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// distribution's path component: [a-z0-9]+ joined by '.', '_', '__' or a run of '-'. No
// component can be "." or "..", so no repository name is a dot segment of a URL or a path.
bool is_repository_component(std::string_view component) noexcept {
  std::size_t i = 0;
  while (true) {
    const std::size_t run = i;
    while (i < component.size() && is_lower_alnum(component[i])) {
      ++i;
    }
    if (i == run) {
      return false; // empty, or a separator at the start, the end or next to another
    }
    if (i == component.size()) {
      return true;
    }
    if (component[i] == '.') {
      ++i;
    } else if (component[i] == '_') {
      i += component.substr(i, 2) == "__" ? 2 : 1;
    } else if (component[i] == '-') {
      while (i < component.size() && component[i] == '-') {
        ++i;
      }
    } else {
      return false;
    }
  }
}

// The first path component names a registry when it looks like a host (Docker's rule).
bool is_registry_component(std::string_view component) noexcept {
  return component.find_first_of(".:[") != std::string_view::npos || component == "localhost";
}

void check_repository(std::string_view text, std::string_view repository) {
  if (!is_repository_path(repository)) {
    fail(text, str_cat("bad repository '", repository, "'"));
  }
}

} // namespace

bool is_tag(std::string_view tag) noexcept {
  if (tag.empty() || tag.size() > k_max_tag_length || tag.front() == '.' || tag.front() == '-') {
    return false;
  }
  return std::all_of(tag.begin(), tag.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
           || c == '_' || c == '-';
  });
}

bool is_repository_path(std::string_view path) noexcept {
  if (path.empty() || path.size() > k_max_repository_length) {
    return false;
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = path.find('/', start);
    if (!is_repository_component(path.substr(start, slash - start))) {
      return false;
    }
    if (slash == std::string_view::npos) {
      return true;
    }
    start = slash + 1;
  }
}

std::string ImageRef::location() const {
  return registry.empty() ? repository : str_cat(registry, "/", repository);
}

bool is_sha256_hex(std::string_view text) noexcept {
  return text.size() == k_sha256_hex_length && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool is_sha256_digest(std::string_view text) noexcept {
  constexpr std::string_view k_prefix = "sha256:";
  return text.substr(0, k_prefix.size()) == k_prefix && is_sha256_hex(text.substr(k_prefix.size()));
}

std::string_view parent_path(std::string_view location) noexcept {
  const std::size_t slash = location.rfind('/');
  return slash == std::string_view::npos ? std::string_view{} : location.substr(0, slash);
}

ImageRef parse_image_ref(std::string_view text) {
  if (util::has_control_character(text) || text.find(' ') != std::string_view::npos) {
    fail(util::printable(text), "holds a space or a control character");
  }
  ImageRef ref;
  std::string_view rest = text;
  for (const auto& transport : k_transports) {
    if (rest.substr(0, transport.prefix.size()) == transport.prefix) {
      ref.transport = transport.name;
      rest.remove_prefix(transport.prefix.size());
      break;
    }
  }
  if (rest.empty()) {
    fail(text, "empty");
  }
  if (const std::size_t at = rest.find('@'); at != std::string_view::npos) {
    ref.digest = rest.substr(at + 1);
    rest = rest.substr(0, at);
    if (!is_sha256_digest(ref.digest)) {
      fail(text, str_cat("bad digest '", ref.digest, "'"));
    }
  }
  const std::size_t last_slash = rest.rfind('/');
  if (const std::size_t colon = rest.rfind(':');
      colon != std::string_view::npos
      && (last_slash == std::string_view::npos || colon > last_slash)) {
    ref.tag = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
    if (!is_tag(ref.tag)) {
      fail(text, str_cat("bad tag '", ref.tag, "'"));
    }
  }
  if (ref.transport == "oci" || ref.transport == "file") {
    // A path on disk, not a registry: keep it whole.
    ref.repository = rest;
    return ref;
  }
  const std::size_t slash = rest.find('/');
  if (slash != std::string_view::npos && is_registry_component(rest.substr(0, slash))) {
    ref.registry = rest.substr(0, slash);
    ref.repository = rest.substr(slash + 1);
  } else {
    ref.registry = "docker.io";
    ref.repository =
        slash == std::string_view::npos ? str_cat("library/", rest) : std::string(rest);
  }
  if (ref.registry.empty()) {
    fail(text, "no registry");
  }
  if (ref.registry == "docker.io" && ref.repository.find('/') == std::string::npos) {
    ref.repository.insert(0, "library/"); // docker.io/nginx is docker.io/library/nginx to CRI-O
  }
  check_repository(text, ref.repository);
  return ref;
}

} // namespace zbundle::ics
