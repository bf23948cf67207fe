#include "core/ics/mirror_scope.hpp"

#include "core/util/str_cat.hpp"

#include <utility>

namespace zbundle::ics {
namespace {

using util::str_cat;

bool ends_with_path(std::string_view path, std::string_view suffix) noexcept {
  return path == suffix
         || (path.size() > suffix.size() && path.ends_with(suffix)
             && path[path.size() - suffix.size() - 1] == '/');
}

std::string join_location(std::string_view registry, std::string_view path) {
  return path.empty() ? std::string(registry) : str_cat(registry, "/", path);
}

} // namespace

void add_mirrored_image(ImageContentSources& out,
                        const ImageRef& source,
                        const ImageRef& destination,
                        MappingRules rules,
                        ScopeRule scope) {
  std::string scoped_source = source.location();
  std::string scoped_mirror = destination.location();
  if (scope == ScopeRule::namespace_when_paths_match
      && ends_with_path(destination.repository, source.repository)) {
    scoped_source = join_location(source.registry, parent_path(source.repository));
    scoped_mirror = join_location(destination.registry, parent_path(destination.repository));
  }
  if (rules == MappingRules::oc_mirror_v1) {
    if (source.has_digest()) {
      out.add(scoped_source, scoped_mirror, MirrorKind::digest);
    }
    return;
  }
  const bool is_release_image = source.location() == k_release_image_repository
                                || ends_with_path(destination.repository, k_release_images_path);
  if (source.has_digest() || is_release_image) {
    out.add(scoped_source, scoped_mirror, MirrorKind::digest);
  }
  if (!source.tag.empty() || !source.has_digest() || is_release_image) {
    out.add(scoped_source, scoped_mirror, MirrorKind::tag);
  }
}

} // namespace zbundle::ics
