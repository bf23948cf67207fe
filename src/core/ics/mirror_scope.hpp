#pragma once

// oc-mirror's rules for turning one mirrored image (its source reference and where it was
// pushed) into an image content source (oc-mirror-formats.md 1.3, 2.3), shared by the mapping-file
// parser and the derivation from a mirror-to-disk run.

#include "core/ics/content_sources.hpp"
#include "core/ics/image_ref.hpp"

#include <string_view>

namespace zbundle::ics {

// Whose rules decide digest and tag mirrors.
enum class MappingRules {
  // v1 writes only ICSPs: digest mirrors; an image whose source has no digest is skipped.
  oc_mirror_v1,
  // v2 (oc-mirror-formats.md 2.3): a source with a digest gives a digest mirror (IDMS), one with a
  // tag
  // or neither a tag mirror (ITMS), so tag+digest gives both; the release image gives both.
  oc_mirror_v2,
};

enum class ScopeRule {
  // oc-mirror's default: namespace scope when the destination path ends with the source
  // path (strip the last component on both sides), repository scope otherwise.
  namespace_when_paths_match,
  // Always the full repository on both sides (oc-mirror with --max-nested-paths).
  repository,
};

// oc-mirror's scope under --max-nested-paths `max_nested_paths` (0: not given).
[[nodiscard]] constexpr ScopeRule scope_rule(unsigned max_nested_paths) noexcept {
  return max_nested_paths > 0 ? ScopeRule::repository : ScopeRule::namespace_when_paths_match;
}

// Source repository of OpenShift release images.
inline constexpr std::string_view k_release_image_repository =
    "quay.io/openshift-release-dev/ocp-release";
// Fixed mirror repositories of releases (oc-mirror-formats.md 2.3).
inline constexpr std::string_view k_release_images_path = "openshift/release-images";
inline constexpr std::string_view k_release_components_path = "openshift/release";

// Adds the mirror that pushing `source` to `destination` stands for. The release image (its
// source is the OCP release repository or its destination openshift/release-images) is
// mirrored by digest and tag under v2's rules.
void add_mirrored_image(ImageContentSources& out,
                        const ImageRef& source,
                        const ImageRef& destination,
                        MappingRules rules,
                        ScopeRule scope);

} // namespace zbundle::ics
