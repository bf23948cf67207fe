#pragma once

#include "core/ics/content_sources.hpp"

#include <string_view>

namespace zbundle::ics {

// Parses a YAML stream of mirror sets into the model (oc-mirror-formats.md 4 and 5): documents of
// kind ImageContentSourcePolicy (spec.repositoryDigestMirrors, digest), ImageDigestMirrorSet
// (spec.imageDigestMirrors, digest) and ImageTagMirrorSet (spec.imageTagMirrors, tag), or a
// document whose root is the `[{source, mirrors}]` list hcp reads (digest), or zbundle's own
// JSON rendering (kind ImageContentSources, digest and tag per mirror). Empty documents
// are skipped. `subject` names the file in messages.
// Throws Error{input}: malformed YAML (with its line), a document of another kind, an entry
// without `source`.
[[nodiscard]] ImageContentSources parse_mirror_sets(std::string_view yaml_text,
                                                    std::string_view subject);

} // namespace zbundle::ics
