#pragma once

#include "core/ics/content_sources.hpp"
#include "core/ics/mirror_scope.hpp"

#include <set>
#include <string>
#include <string_view>

namespace zbundle::ics {

// Derives image content sources from an oc-mirror mapping file (oc-mirror-formats.md 1.2, 2.7): one
// `<source>=<destination>` per line, transport prefixes allowed. Scope follows oc-mirror's
// rule (oc-mirror-formats.md 2.3): namespace scope when the destination path ends with the source
// path, repository scope otherwise.
// Lines whose source or destination repository is in `excluded` (catalog and graph images)
// are skipped. `subject` names the file in messages.
// Throws Error{input} naming the file and line: no '=', a bad reference, a destination that
// is not a registry.
[[nodiscard]] ImageContentSources parse_mapping(std::string_view text,
                                                std::string_view subject,
                                                MappingRules rules,
                                                const std::set<std::string>& excluded);

} // namespace zbundle::ics
