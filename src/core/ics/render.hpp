#pragma once

#include "core/ics/content_sources.hpp"

#include <string>
#include <string_view>

namespace zbundle::ics {

enum class IcsFormat {
  hcp,  // the `[{source, mirrors}]` list `hcp create cluster --image-content-sources` reads
  icsp, // ImageContentSourcePolicy (operator.openshift.io/v1alpha1)
  idms, // ImageDigestMirrorSet (config.openshift.io/v1)
  itms, // ImageTagMirrorSet (config.openshift.io/v1)
  registries_conf, // containers-registries.conf(5) version 2
  json,            // the whole model, digest and tag kinds included
};

// "hcp", "icsp", "idms", "itms", "registries-conf" or "json". Throws Error{usage}.
[[nodiscard]] IcsFormat parse_ics_format(std::string_view name);
[[nodiscard]] std::string_view ics_format_name(IcsFormat format) noexcept;

// Renders the model. hcp, icsp and idms carry the digest mirrors, itms the tag mirrors; the
// objects are named `name` (default: zbundle, zbundle-digest-mirrors, zbundle-tag-mirrors).
// Throws Error{input} when the model has no mirror of the kind the format needs.
[[nodiscard]] std::string
render_ics(const ImageContentSources& sources, IcsFormat format, std::string_view name = {});

// containers-registries.conf(5) v2: one [[registry]] per source with prefix = "", insecure and
// blocked false (blocked true for NeverContactSource); `mirror-by-digest-only = true` when every
// mirror of the source is digest-only, otherwise per-mirror `pull-from-mirror` (never both on
// one registry, which containers/image rejects).
[[nodiscard]] std::string render_registries_conf(const ImageContentSources& sources);

} // namespace zbundle::ics
