// The mirror registry's CA for the management cluster (image.config additionalTrustedCA),
// for assisted-service (mirror-config) and for `hcp --additional-trust-bundle`.

#include "core/artifacts/renderers.hpp"
#include "core/ics/render.hpp"

#include <yaml-cpp/yaml.h>

namespace zbundle::artifacts::detail {
namespace {

constexpr std::string_view k_trust_configmap = "registry-config";
constexpr std::string_view k_mirror_configmap = "mirror-config";

// A merge patch: `path` (outermost first) down to {name: value}.
std::string merge_patch_yaml(const std::vector<std::string_view>& path,
                             std::string_view name,
                             std::string_view value) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  for (std::size_t i = 0; i + 1 < path.size(); ++i) {
    out << YAML::Key << std::string(path[i]) << YAML::Value << YAML::BeginMap;
  }
  out << YAML::Key << std::string(path.back()) << YAML::Value << YAML::BeginMap;
  out << YAML::Key << std::string(name) << YAML::Value << std::string(value);
  for (std::size_t i = 0; i <= path.size(); ++i) {
    out << YAML::EndMap;
  }
  return std::string(out.c_str()) + "\n";
}

} // namespace

std::string config_map_yaml(std::string_view name,
                            std::string_view name_space,
                            const std::vector<std::pair<std::string, std::string>>& labels,
                            const std::vector<std::pair<std::string, std::string>>& data) {
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "apiVersion" << YAML::Value << "v1";
  out << YAML::Key << "kind" << YAML::Value << "ConfigMap";
  out << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << std::string(name);
  out << YAML::Key << "namespace" << YAML::Value << std::string(name_space);
  if (!labels.empty()) {
    out << YAML::Key << "labels" << YAML::Value << YAML::BeginMap;
    for (const auto& [key, value] : labels) {
      out << YAML::Key << key << YAML::Value << YAML::DoubleQuoted << value;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap << YAML::Key << "data" << YAML::Value << YAML::BeginMap;
  for (const auto& [key, value] : data) {
    out << YAML::Key << key << YAML::Value;
    if (value.find('\n') != std::string::npos) {
      out << YAML::Literal;
    }
    out << value;
  }
  out << YAML::EndMap << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

void add_trust(const Context& context, Artifacts& out) {
  const std::string& ca = context.options.ca_pem;
  out.push_back({"ca-bundle.crt", ca, FileMode::regular});
  // An IPv6 registry has no ConfigMap key (':' is not allowed); apply-cluster.sh says so.
  if (context.options.mirror.host.front() != '[') {
    const std::string key = context.options.mirror.configmap_key();
    out.push_back({"registry-config.yaml",
                   config_map_yaml(k_trust_configmap, "openshift-config", {}, {{key, ca}}),
                   FileMode::regular});
    out.push_back({"image-config-patch.yaml",
                   merge_patch_yaml({"spec", "additionalTrustedCA"}, "name", k_trust_configmap),
                   FileMode::regular});
  }
  out.push_back(
      {"mirror-config.yaml",
       config_map_yaml(k_mirror_configmap,
                       "multicluster-engine",
                       {{"app", "assisted-service"}},
                       {{"ca-bundle.crt", ca},
                        {"registries.conf", ics::render_registries_conf(context.sources)}}),
       FileMode::regular});
  out.push_back({"agentserviceconfig-patch.yaml",
                 merge_patch_yaml({"spec", "mirrorRegistryRef"}, "name", k_mirror_configmap),
                 FileMode::regular});
}

} // namespace zbundle::artifacts::detail
