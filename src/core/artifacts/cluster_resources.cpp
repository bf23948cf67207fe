// Catalogs and the resources oc-mirror writes for the cluster, pointed at the mirror: a
// CatalogSource and a ClusterCatalog per catalog named as oc-mirror v2 names them
// (oc-mirror-formats.md 2.4), the release-signature ConfigMaps as they are, the UpdateService with
// its images moved.

#include "core/artifacts/renderers.hpp"
#include "core/ics/image_ref.hpp"
#include "core/ocmirror/cluster_resource.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/untrusted_text.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>

namespace zbundle::artifacts::detail {
namespace {

using util::str_cat;

// "<repository's last component>-<suffix>": the suffix is the tag's first 12 characters, or
// the digest's first 12 hex digits, with every character outside [a-z0-9-] made '-'.
std::string catalog_name(const ics::ImageRef& ref) {
  std::string suffix = "0";
  if (!ref.tag.empty()) {
    suffix = ref.tag.substr(0, 12);
  } else if (ref.has_digest()) {
    suffix = ref.digest.substr(std::string_view("sha256:").size(), 12);
  }
  std::string name = str_cat(ref.repository.substr(ref.repository.rfind('/') + 1), "-", suffix);
  std::transform(name.begin(), name.end(), name.begin(), [](char c) {
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    const bool is_allowed = (lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9');
    return is_allowed ? lower : '-';
  });
  return name;
}

// Where the catalog is served from on the mirror, by the mirror's name.
std::string mirrored_catalog(const Context& context, const model::CatalogSource& catalog) {
  if (catalog.kind == "CatalogSource" || catalog.kind == "ClusterCatalog") {
    return context.relocate(catalog.image);
  }
  // oc-mirror pushes the catalog below the mirror by its source path and tag, or by the
  // ImageSetConfiguration's targetCatalog and targetTag (a renamed tag drops the digest).
  const ics::ImageRef source = ics::parse_image_ref(catalog.image);
  const std::string& repository =
      catalog.target.repository.empty() ? source.repository : catalog.target.repository;
  std::string reference = str_cat(context.options.mirror.location(), "/", repository);
  if (!catalog.target.tag.empty()) {
    reference += str_cat(":", catalog.target.tag);
  } else {
    if (!source.tag.empty()) {
      reference += str_cat(":", source.tag);
    }
    if (source.has_digest()) {
      reference += str_cat("@", source.digest);
    }
  }
  return ics::limit_reference_nested_paths(reference, context.model.max_nested_paths);
}

std::string catalog_source_yaml(const std::string& name, const std::string& image) {
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "apiVersion" << YAML::Value
      << "operators.coreos.com/v1alpha1";
  out << YAML::Key << "kind" << YAML::Value << "CatalogSource";
  out << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << str_cat("cs-", name);
  out << YAML::Key << "namespace" << YAML::Value << "openshift-marketplace" << YAML::EndMap;
  out << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "image" << YAML::Value << image;
  out << YAML::Key << "sourceType" << YAML::Value << "grpc" << YAML::EndMap << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

std::string cluster_catalog_yaml(const std::string& name, const std::string& image) {
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "apiVersion" << YAML::Value
      << "olm.operatorframework.io/v1";
  out << YAML::Key << "kind" << YAML::Value << "ClusterCatalog";
  out << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << str_cat("cc-", name) << YAML::EndMap;
  out << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "priority" << YAML::Value << 0;
  out << YAML::Key << "source" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "image" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "ref" << YAML::Value << image << YAML::EndMap;
  out << YAML::Key << "type" << YAML::Value << "Image" << YAML::EndMap;
  out << YAML::EndMap << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

// The resource's one object, of its own kind (the manifest reader checked it once already; a
// model built from oc-mirror output comes the same way).
YAML::Node parse_resource(const model::ClusterResource& resource) {
  return ocmirror::parse_single_resource(
      resource.text, str_cat(resource.kind, " ", util::printable(resource.name)), {resource.kind});
}

// The UpdateService's graph image and release repository, moved to the mirror.
std::string update_service_yaml(const Context& context, const model::ClusterResource& resource) {
  YAML::Node node = parse_resource(resource);
  YAML::Node spec = node["spec"];
  for (const char* field : {"graphDataImage", "releases"}) {
    if (spec.IsMap() && spec[field] && spec[field].IsScalar()) { // a scalar spec has no fields
      spec[field] = context.relocate(spec[field].as<std::string>());
    }
  }
  return ocmirror::emit_resource(node);
}

} // namespace

void add_cluster_resources(const Context& context, Artifacts& out) {
  std::map<std::string, std::string> catalogs; // name -> mirrored reference
  for (const model::CatalogSource& catalog : context.model.catalogs) {
    const std::string image = mirrored_catalog(context, catalog);
    catalogs.emplace(catalog_name(ics::parse_image_ref(image)), image);
  }
  for (const auto& [name, image] : catalogs) {
    out.push_back({str_cat("catalogsource-", name, ".yaml"),
                   catalog_source_yaml(name, image),
                   FileMode::regular});
    out.push_back({str_cat("clustercatalog-", name, ".yaml"),
                   cluster_catalog_yaml(name, image),
                   FileMode::regular});
  }
  for (const model::ClusterResource& resource : context.model.cluster_resources) {
    if (resource.kind == "UpdateService") {
      out.push_back({str_cat("updateservice-", file_name_part(resource.name), ".yaml"),
                     update_service_yaml(context, resource),
                     FileMode::regular});
    } else {
      // nothing to move: the object is written again as it was parsed, never the text
      out.push_back({str_cat("release-signatures-", file_name_part(resource.name), ".yaml"),
                     ocmirror::emit_resource(parse_resource(resource)),
                     FileMode::regular});
    }
  }
}

} // namespace zbundle::artifacts::detail
