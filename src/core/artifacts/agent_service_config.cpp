// agentserviceconfig.yaml: a complete AgentServiceConfig for an Agent install that boots from
// the bundle's RHCOS images, served at --boot-url: osImages per live ISO (assisted-service
// builds its discovery images from the ISO; rootFSUrl is deprecated and ignored, so it is left
// out), mirrorRegistryRef naming mirror-config, and the storage claims with the sizes the
// documentation gives and a storage class the site must fill in (apply-cluster.sh refuses to
// create it while the placeholder is there; on a cluster that has one, only osImages and the
// mirror reference are merged in).

#include "core/artifacts/renderers.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/untrusted_text.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace zbundle::artifacts::detail {
namespace {

using util::str_cat;

constexpr std::string_view k_storage_class_placeholder = "<storage-class>";

void emit_claim(YAML::Emitter& out, std::string_view name, std::string_view size) {
  out << YAML::Key << std::string(name) << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "accessModes" << YAML::Value << YAML::Flow << YAML::BeginSeq
      << "ReadWriteOnce" << YAML::EndSeq;
  out << YAML::Key << "resources" << YAML::Value << YAML::BeginMap << YAML::Key << "requests"
      << YAML::Value << YAML::BeginMap << YAML::Key << "storage" << YAML::Value << std::string(size)
      << YAML::EndMap << YAML::EndMap;
  out << YAML::Key << "storageClassName" << YAML::Value << std::string(k_storage_class_placeholder)
      << YAML::EndMap;
}

} // namespace

void add_agent_service_config(const Context& context, Artifacts& out) {
  std::string base = context.options.boot_url;
  while (base.ends_with('/')) {
    base.pop_back();
  }
  std::vector<const model::BootImage*> isos;
  for (const model::BootImage& image : context.model.boot_images) {
    if (image.kind == model::BootImageKind::iso) {
      isos.push_back(&image);
    }
  }
  if (base.empty() || isos.empty()) {
    return;
  }
  YAML::Emitter yaml;
  yaml << YAML::BeginMap << YAML::Key << "apiVersion" << YAML::Value
       << "agent-install.openshift.io/v1beta1";
  yaml << YAML::Key << "kind" << YAML::Value << "AgentServiceConfig";
  yaml << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap << YAML::Key << "name"
       << YAML::Value << "agent" << YAML::EndMap;
  yaml << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
  emit_claim(yaml, "databaseStorage", "10Gi");
  emit_claim(yaml, "filesystemStorage", "100Gi");
  emit_claim(yaml, "imageStorage", "50Gi");
  yaml << YAML::Key << "mirrorRegistryRef" << YAML::Value << YAML::BeginMap << YAML::Key << "name"
       << YAML::Value << "mirror-config" << YAML::EndMap;
  yaml << YAML::Key << "osImages" << YAML::Value << YAML::BeginSeq;
  for (const model::BootImage* image : isos) {
    yaml << YAML::BeginMap;
    yaml << YAML::Key << "cpuArchitecture" << YAML::Value << image->architecture;
    yaml << YAML::Key << "openshiftVersion" << YAML::Value << YAML::DoubleQuoted
         << image->openshift_version;
    yaml << YAML::Key << "url" << YAML::Value << str_cat(base, "/", image->file);
    yaml << YAML::Key << "version" << YAML::Value << YAML::DoubleQuoted << image->version;
    yaml << YAML::EndMap;
  }
  yaml << YAML::EndSeq << YAML::EndMap << YAML::EndMap;
  out.push_back({"agentserviceconfig.yaml", str_cat(yaml.c_str(), "\n"), FileMode::regular});
}

} // namespace zbundle::artifacts::detail

namespace zbundle::artifacts {

void check_boot_url(std::string_view url) {
  constexpr std::size_t k_max_url = 2048;
  const bool is_http = url.starts_with("http://") || url.starts_with("https://");
  const bool is_plain = std::all_of(url.begin(), url.end(), [](char c) {
    return c > ' ' && c < 0x7f && c != '"' && c != '\'' && c != '\\';
  });
  if (!url.empty() && (!is_http || !is_plain || url.size() > k_max_url)) {
    throw Error(
        ErrorKind::usage,
        util::str_cat("--boot-url ", util::printable(url), ": not an http:// or https:// URL"));
  }
}

} // namespace zbundle::artifacts
