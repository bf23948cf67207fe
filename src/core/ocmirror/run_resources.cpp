#include "core/ocmirror/run_resources.hpp"

#include "core/ics/mirror_name.hpp"
#include "core/ics/mirror_scope.hpp"
#include "core/util/base64.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <yaml-cpp/yaml.h>

namespace zbundle::ocmirror {
namespace {

using util::str_cat;

constexpr std::size_t k_hex_length = 64;

bool is_lower_hex(std::string_view text) {
  return text.size() == k_hex_length
         && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

} // namespace

void SignatureFiles::add(std::string_view name, std::string bytes, const std::string& subject) {
  const std::size_t at = name.rfind("sha256-");
  const std::string_view hex =
      at == std::string_view::npos ? std::string_view() : name.substr(at + 7);
  if (!is_lower_hex(hex) || (at > 0 && name[at - 1] != '-')) {
    throw Error(ErrorKind::input,
                str_cat(subject, ": not a release signature file: expected <tag>-sha256-<hex>"));
  }
  if (bytes.empty()) {
    throw Error(ErrorKind::input, str_cat(subject, ": an empty release signature"));
  }
  m_signatures[std::string(hex)][std::string(name)] = std::move(bytes);
}

std::string SignatureFiles::configmap() const {
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "apiVersion" << YAML::Value << "v1";
  out << YAML::Key << "kind" << YAML::Value << "ConfigMap";
  out << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << std::string(k_signature_configmap_name);
  out << YAML::Key << "namespace" << YAML::Value << "openshift-config-managed";
  out << YAML::Key << "labels" << YAML::Value << YAML::BeginMap << YAML::Key
      << "release.openshift.io/verification-signatures" << YAML::Value << YAML::DoubleQuoted << ""
      << YAML::EndMap;
  out << YAML::EndMap;
  out << YAML::Key << "binaryData" << YAML::Value << YAML::BeginMap;
  for (const auto& [hex, files] : m_signatures) {
    std::size_t number = 0;
    for (const auto& [name, bytes] : files) {
      out << YAML::Key << str_cat("sha256-", hex, "-", ++number) << YAML::Value
          << util::encode_base64(bytes);
    }
  }
  out << YAML::EndMap << YAML::EndMap;
  return str_cat(out.c_str(), "\n");
}

std::string update_service_text() {
  const std::string mirror(ics::k_placeholder_mirror);
  return str_cat("apiVersion: updateservice.operator.openshift.io/v1\n"
                 "kind: UpdateService\n"
                 "metadata:\n"
                 "  name: update-service-oc-mirror\n"
                 "  namespace: openshift-update-service\n"
                 "spec:\n"
                 "  graphDataImage: ",
                 mirror,
                 "/openshift/graph-image:latest\n"
                 "  releases: ",
                 mirror,
                 "/",
                 ics::k_release_images_path,
                 "\n"
                 "  replicas: 2\n");
}

} // namespace zbundle::ocmirror
