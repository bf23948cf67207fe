#pragma once

// Internal to the artifacts renderer: what every part of it shares, and the parts.

#include "core/artifacts/artifacts.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zbundle::artifacts::detail {

struct Context {
  const model::SignedModel& model;
  const RenderOptions& options;
  ics::ImageContentSources sources; // relocated to options.mirror

  // An image reference (or repository) on the mirror the model was made for, moved to
  // options.mirror (see relocated_sources).
  [[nodiscard]] std::string relocate(std::string_view reference) const;
};

using Artifacts = std::vector<Artifact>;

// registry-config.yaml, image-config-patch.yaml,
// mirror-config.yaml, agentserviceconfig-patch.yaml, ca-bundle.crt.
void add_trust(const Context& context, Artifacts& out);
// icsp.yaml (the hcp list) and the management cluster's IDMS, ITMS and ICSP.
void add_mirror_sets(const Context& context, Artifacts& out);
// CatalogSource and ClusterCatalog per catalog; release signatures and UpdateService carried.
void add_cluster_resources(const Context& context, Artifacts& out);
// pull-secret.json (or mirror-pull-secret.json) and pull-secret-mirror-entry.yaml, when the
// mirror's credentials are given.
void add_credentials(const Context& context, Artifacts& out);
// agentserviceconfig.yaml, when the model carries a live ISO and a boot URL is given.
void add_agent_service_config(const Context& context, Artifacts& out);
// hcp-create-cluster.sh, when the model has a release.
void add_hcp_command(const Context& context, Artifacts& out);
// apply-cluster.sh: the `oc` steps for what `out` holds.
void add_apply_script(const Context& context, Artifacts& out);

// A ConfigMap document; values with a newline become literal blocks.
[[nodiscard]] std::string
config_map_yaml(std::string_view name,
                std::string_view name_space,
                const std::vector<std::pair<std::string, std::string>>& labels,
                const std::vector<std::pair<std::string, std::string>>& data);

// `text` as part of a file name: characters outside [A-Za-z0-9._-] become '-', and a leading
// '.' too, so a name from the model can never leave the artifacts directory or hide in it.
[[nodiscard]] std::string file_name_part(std::string_view text);

// "#!/bin/sh" and the line saying which bundle and mirror `name` was rendered for.
[[nodiscard]] std::string script_header(const Context& context, std::string_view name);

// A word for a POSIX shell: single-quoted, a quote inside spelled '\''.
[[nodiscard]] std::string shell_quote(std::string_view word);
// Text safe inside a shell comment line: control characters become '?'.
[[nodiscard]] std::string comment_text(std::string_view text);

} // namespace zbundle::artifacts::detail
