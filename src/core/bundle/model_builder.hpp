#pragma once

// The signed model of a bundle, from oc-mirror output and the mirror registry's CA bundle:
// what `create` signs and what `zbundle artifacts` renders from oc-mirror output directly.

#include "core/bundle/manifest.hpp"
#include "core/ics/mirror_name.hpp"
#include "core/util/handles.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace zbundle::bundle {

// Fills the model sections of `manifest` (source, mirror, image content sources, releases,
// images, catalogs, cluster resources) from `inputs`. The sources point at `mirror_name`, or
// at ics::k_placeholder_mirror without one, derived under oc-mirror's --max-nested-paths
// `max_nested_paths` (0: none; recorded, the paths kept whole). Throws as ocmirror::read_mirror
// does.
void fill_model(Manifest& manifest,
                const std::vector<std::filesystem::path>& inputs,
                const std::optional<ics::MirrorName>& mirror_name,
                unsigned max_nested_paths);

// The certificates of a CA bundle (already checked) as the manifest carries them; errors name
// `origin`.
[[nodiscard]] std::vector<model::CaCertificate>
carried_certificates(const std::vector<util::Certificate>& bundle,
                     const std::filesystem::path& origin);

// The carried certificates as one PEM bundle.
[[nodiscard]] std::string joined_pem(const std::vector<model::CaCertificate>& certificates);

} // namespace zbundle::bundle
