#pragma once

#include "core/ics/content_sources.hpp"

#include <set>
#include <string>
#include <string_view>

namespace zbundle::ics {

// Whose rules turn mapping lines into mirrors.
enum class MappingRules {
  // v1 writes only ICSPs: digest mirrors; lines whose source has no digest are skipped.
  oc_mirror_v1,
  // v2 (FORMATS.md 2.3): a source with a digest gives a digest mirror (IDMS), one with a tag
  // or neither a tag mirror (ITMS), so tag+digest gives both; the release image gives both.
  oc_mirror_v2,
};

// Derives image content sources from an oc-mirror mapping file (FORMATS.md 1.2, 2.7): one
// `<source>=<destination>` per line, transport prefixes allowed. Scope follows oc-mirror's
// rule (FORMATS.md 2.3): namespace scope when the destination path ends with the source
// path, repository scope otherwise.
// Lines whose source or destination repository is in `excluded` (catalog and graph images)
// are skipped. `subject` names the file in messages.
// Throws Error{input} naming the file and line: no '=', a bad reference, a destination that
// is not a registry.
[[nodiscard]] ImageContentSources parse_mapping(std::string_view text,
                                                std::string_view subject,
                                                MappingRules rules,
                                                const std::set<std::string>& excluded);

// Source repository of OpenShift release images; mirrored by digest and by tag.
inline constexpr std::string_view k_release_image_repository =
    "quay.io/openshift-release-dev/ocp-release";

} // namespace zbundle::ics
