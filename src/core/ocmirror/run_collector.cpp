#include "core/ocmirror/run_collector.hpp"

#include "core/ics/image_ref.hpp"
#include "core/oci/reference_graph.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <algorithm>
#include <array>

namespace zbundle::ocmirror {
namespace {

using util::str_cat;

constexpr std::size_t k_release_references_limit = std::size_t{16} << 20;
constexpr std::string_view k_hold_release = "working-dir/hold-release/";
// Where oc-mirror v2 builds the cincinnati graph image (its local cache registry).
constexpr std::string_view k_graph_image_cache = "localhost:55000/openshift/graph-image";
constexpr std::string_view k_graph_image_tag = "latest";
constexpr std::string_view k_operator_catalogs = "working-dir/operator-catalogs/";
constexpr std::string_view k_image_references = "/release-manifests/image-references";
constexpr std::string_view k_okd_release_repository = "quay.io/openshift/okd";

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t slash = std::min(path.find('/', start), path.size());
    parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

// v1 association types (oc-mirror-formats.md 1.8) by category.
struct AssociationType {
  std::string_view type;
  model::ImageCategory category;
};
constexpr std::array k_association_types{
    AssociationType{"ocpRelease", model::ImageCategory::release},
    AssociationType{"ocpReleaseContent", model::ImageCategory::release_content},
    AssociationType{"operatorBundle", model::ImageCategory::operator_image},
    AssociationType{"operatorRelatedImage", model::ImageCategory::operator_image},
    AssociationType{"operatorCatalog", model::ImageCategory::catalog},
    AssociationType{"cincinnatiGraph", model::ImageCategory::graph},
    AssociationType{"generic", model::ImageCategory::generic},
};

// The last repository component of a reference, as oc-mirror names working-dir folders.
std::string component_name(const std::string& reference) {
  const ics::ImageRef ref = ics::parse_image_ref(reference);
  const std::size_t slash = ref.repository.rfind('/');
  return slash == std::string::npos ? ref.repository : ref.repository.substr(slash + 1);
}

} // namespace

bool RunCollector::visit(const walk::TreeEntry& entry,
                         const std::string& subject,
                         walk::EntryContent& content) {
  if (entry.type != walk::EntryType::regular) {
    return false;
  }
  const std::string_view path = entry.path;
  if (path.starts_with(k_hold_release) && path.ends_with(k_image_references)) {
    // hold-release/<name>/<tag>/release-manifests/image-references
    const std::vector<std::string_view> parts = split_path(path.substr(
        k_hold_release.size(), path.size() - k_hold_release.size() - k_image_references.size()));
    if (parts.size() == 2) {
      std::vector<std::string>& payload = m_release_payloads[std::string(parts[1])];
      for (std::string& image :
           parse_release_references(content.read_text(k_release_references_limit), subject)) {
        payload.push_back(std::move(image));
      }
      return true;
    }
    return false;
  }
  if (path.starts_with(k_operator_catalogs) && path.ends_with(".json")) {
    // operator-catalogs/<catalog>/<digest>/[filtered-catalogs/<filter>/]catalog-config/...
    const std::vector<std::string_view> parts = split_path(path.substr(k_operator_catalogs.size()));
    const bool is_full = parts.size() > 3 && parts[2] == "catalog-config";
    const bool is_filtered =
        parts.size() > 5 && parts[2] == "filtered-catalogs" && parts[4] == "catalog-config";
    if (!is_full && !is_filtered) {
      return false;
    }
    CatalogImages& images = m_catalogs[str_cat(parts[0], "/", parts[1])];
    for (std::string& image : read_catalog_images(content, subject)) {
      (is_filtered ? images.filtered : images.full).insert(std::move(image));
    }
    return true;
  }
  return false;
}

void RunCollector::add_image_set_config(const ImageSetConfig& config) {
  m_configs.push_back(config);
}

void RunCollector::add_v1_association(std::string_view type,
                                      const std::string& name,
                                      const std::string& id) {
  if (ics::is_sha256_digest(name)) {
    return; // a child manifest of an index, named by its digest: not an image of its own
  }
  // v1 mirrors every image by the digest it resolved (its mapping sources carry it).
  const bool needs_digest = ics::is_sha256_digest(id) && name.find('@') == std::string::npos;
  const std::string source = needs_digest ? str_cat(name, "@", id) : name;
  for (const AssociationType& known : k_association_types) {
    if (known.type == type) {
      m_v1_images.insert(
          model::CollectedImage{source, known.category, ics::MappingRules::oc_mirror_v1});
      return;
    }
  }
}

void RunCollector::finish_releases(const std::map<std::string, Repository>& repositories,
                                   MirrorContent& out) {
  std::string release_repository(ics::k_release_image_repository);
  std::vector<std::string> channels;
  for (const ImageSetConfig& config : m_configs) {
    if (config.is_okd) {
      release_repository = k_okd_release_repository;
    }
    if (!config.release.empty()) {
      out.collected_images.insert(model::CollectedImage{
          config.release, model::ImageCategory::release, ics::MappingRules::oc_mirror_v2});
    }
    channels.insert(channels.end(), config.channels.begin(), config.channels.end());
  }
  std::set<std::string> release_tags;
  if (const auto found = repositories.find(std::string(ics::k_release_images_path));
      found != repositories.end()) {
    for (const auto& [tag, digest] : found->second.tags) {
      if (!oci::is_signature_tag(tag)) {
        release_tags.insert(tag);
      }
    }
  }
  for (const auto& [tag, payload] : m_release_payloads) {
    release_tags.insert(tag);
  }
  for (const std::string& tag : release_tags) {
    out.collected_images.insert(model::CollectedImage{str_cat(release_repository, ":", tag),
                                                      model::ImageCategory::release,
                                                      ics::MappingRules::oc_mirror_v2});
    const auto payload = m_release_payloads.find(tag);
    if (payload == m_release_payloads.end()) {
      out.unmapped.insert(
          str_cat("release ",
                  tag,
                  ": its payload images cannot be mapped: no working-dir/hold-release/*/",
                  tag,
                  "/release-manifests/image-references in the input"));
      continue;
    }
    for (const std::string& image : payload->second) {
      out.collected_images.insert(model::CollectedImage{
          image, model::ImageCategory::release_content, ics::MappingRules::oc_mirror_v2});
    }
  }
  if (release_tags.empty()) {
    for (const std::string& channel : channels) {
      out.unmapped.insert(str_cat("release channel ", channel, ": no release image in the input"));
    }
  }
}

void RunCollector::finish_catalogs(MirrorContent& out) {
  std::set<std::string> catalogs_with_data;
  for (const auto& [key, images] : m_catalogs) {
    catalogs_with_data.insert(key.substr(0, key.find('/')));
    // A filtered catalog is what the run mirrored; the full one only when it was not filtered.
    for (const std::string& image : images.filtered.empty() ? images.full : images.filtered) {
      out.collected_images.insert(model::CollectedImage{
          image, model::ImageCategory::operator_image, ics::MappingRules::oc_mirror_v2});
    }
  }
  for (const ImageSetConfig& config : m_configs) {
    for (const ConfiguredImage& catalog : config.catalogs) {
      out.collected_images.insert(model::CollectedImage{catalog.reference,
                                                        model::ImageCategory::catalog,
                                                        ics::MappingRules::oc_mirror_v2,
                                                        catalog.target});
      if (!catalogs_with_data.contains(component_name(catalog.reference))) {
        out.unmapped.insert(str_cat("catalog ",
                                    catalog.reference,
                                    ": its operator images cannot be mapped: no file-based catalog "
                                    "in working-dir/operator-catalogs/",
                                    component_name(catalog.reference)));
      }
    }
  }
}

void RunCollector::finish(const std::map<std::string, Repository>& repositories,
                          bool is_v2,
                          MirrorContent& out) {
  out.collected_images.insert(m_v1_images.begin(), m_v1_images.end());
  if (is_v2) {
    for (const ImageSetConfig& config : m_configs) {
      for (const ConfiguredImage& image : config.additional_images) {
        out.collected_images.insert(model::CollectedImage{image.reference,
                                                          model::ImageCategory::generic,
                                                          ics::MappingRules::oc_mirror_v2,
                                                          image.target});
      }
    }
    finish_releases(repositories, out);
    finish_catalogs(out);
    if (std::any_of(m_configs.begin(), m_configs.end(), [](const ImageSetConfig& config) {
          return config.wants_graph;
        })) {
      // oc-mirror builds the update graph image in its cache and pushes it beside the releases
      out.collected_images.insert(
          model::CollectedImage{str_cat(k_graph_image_cache, ":", k_graph_image_tag),
                                model::ImageCategory::graph,
                                ics::MappingRules::oc_mirror_v2});
    }
  }
  *this = RunCollector{};
}

} // namespace zbundle::ocmirror
