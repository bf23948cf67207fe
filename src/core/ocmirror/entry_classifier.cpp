#include "core/ocmirror/entry_classifier.hpp"

#include "core/ics/image_ref.hpp"
#include "core/ics/parse_mapping.hpp"
#include "core/ics/parse_mirror_sets.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

namespace zbundle::ocmirror {
namespace {

using util::str_cat;

constexpr std::size_t k_link_file_limit = 256;
constexpr std::size_t k_resource_limit = std::size_t{64} << 20;
constexpr std::string_view k_v2_storage = "docker/registry/v2/";
constexpr std::string_view k_cluster_resources = "working-dir/cluster-resources/";
constexpr std::string_view k_release_repository = "openshift/release-images";

std::string_view after(std::string_view text, std::string_view prefix) noexcept {
  return text.substr(0, prefix.size()) == prefix ? text.substr(prefix.size()) : std::string_view{};
}

bool has_yaml_extension(std::string_view name) noexcept {
  return name.ends_with(".yaml") || name.ends_with(".yml");
}

// Splits "<repo>/<marker>/<rest>" at the first marker component ("_manifests", "manifests").
bool split_repository(std::string_view path,
                      std::string_view marker,
                      std::string_view& repository,
                      std::string_view& rest) noexcept {
  const std::string needle = str_cat("/", marker, "/");
  const std::size_t at = path.find(needle);
  if (at == std::string_view::npos || at == 0) {
    return false;
  }
  repository = path.substr(0, at);
  rest = path.substr(at + needle.size());
  return true;
}

std::string read_digest_link(const std::string& subject, EntryContent& content) {
  std::string text = content.read_text(k_link_file_limit);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.pop_back();
  }
  if (!ics::is_sha256_digest(text)) {
    throw Error(ErrorKind::input,
                str_cat(subject, ": not a digest link: expected sha256:<64 hex>"));
  }
  return text;
}

} // namespace

std::string EntryClassifier::subject(const TreeEntry& entry) const {
  return str_cat(m_container, ": ", entry.path);
}

void EntryClassifier::visit(const TreeEntry& entry, EntryContent& content) {
  if (const std::string_view rest = after(entry.path, k_v2_storage); !rest.empty()) {
    m_saw_v2 = true;
    visit_v2_storage(entry, rest, content);
  } else if (entry.path.starts_with("working-dir/")) {
    m_saw_v2 = true;
    if (m_run.visit(entry, subject(entry), content)) {
      return;
    }
    if (const std::string_view name = after(entry.path, k_cluster_resources);
        !name.empty() && entry.type == EntryType::regular) {
      visit_resource(entry, name, content);
    } else if (entry.path == "working-dir/dry-run/mapping.txt"
               && entry.type == EntryType::regular) {
      m_v2_mappings.push_back({subject(entry), content.read_text(k_resource_limit)});
    }
  } else if (entry.path.starts_with("isc_") && entry.path.find('/') == std::string::npos) {
    m_saw_v2 = true;
    add_image_set_config(entry, content.read_text(k_resource_limit));
  } else if (const std::string_view v1 = after(entry.path, "v2/"); !v1.empty()) {
    m_saw_v1 = true;
    visit_v1_storage(entry, v1);
  } else if (const std::string_view blob = after(entry.path, "blobs/"); !blob.empty()) {
    m_saw_v1 = true;
    visit_v1_storage(entry, entry.path);
  } else if (entry.path == "publish/.metadata.json") {
    m_saw_v1 = true;
    add_v1_metadata(entry, content.read_text(k_resource_limit));
  } else if (const std::string_view name = after(entry.path, "results/");
             !name.empty() && entry.type == EntryType::regular) {
    if (name == "mapping.txt") {
      m_v1_mappings.push_back({subject(entry), content.read_text(k_resource_limit)});
    } else {
      visit_resource(entry, name, content);
    }
  }
}

void EntryClassifier::visit_v2_storage(const TreeEntry& entry,
                                       std::string_view rest,
                                       EntryContent& content) {
  const bool is_regular = entry.type == EntryType::regular;
  if (const std::string_view blob = after(rest, "blobs/sha256/"); !blob.empty()) {
    // <hh>/<hex>/data
    if (!blob.ends_with("/data")) {
      return;
    }
    const std::string_view hex =
        blob.size() > 3 ? blob.substr(3, blob.size() - 3 - 5) : std::string_view{};
    if (!is_regular || !ics::is_sha256_hex(hex) || blob.substr(0, 2) != hex.substr(0, 2)) {
      throw Error(
          ErrorKind::input,
          str_cat(subject(entry),
                  ": not a blob: expected a regular file at blobs/sha256/<hh>/<64 hex>/data"));
    }
    m_content.blobs[str_cat("sha256:", hex)] = entry.size;
    return;
  }
  std::string_view repository;
  std::string_view manifests;
  if (!split_repository(after(rest, "repositories/"), "_manifests", repository, manifests)) {
    return; // _layers and _uploads links carry nothing the model needs
  }
  if (!manifests.ends_with("/link")) {
    return;
  }
  if (!is_regular) {
    throw Error(ErrorKind::input, str_cat(subject(entry), ": not a regular file"));
  }
  Repository& repo = m_content.repositories[std::string(repository)];
  if (const std::string_view revision = after(manifests, "revisions/sha256/"); !revision.empty()) {
    const std::string_view hex = revision.substr(0, revision.size() - 5);
    if (!ics::is_sha256_hex(hex)) {
      throw Error(ErrorKind::input,
                  str_cat(subject(entry), ": not a revision link: bad digest in path"));
    }
    repo.manifests.insert(str_cat("sha256:", hex));
  } else if (const std::string_view tag = after(manifests, "tags/");
             tag.ends_with("/current/link")) {
    repo.tags[std::string(tag.substr(0, tag.size() - 13))] =
        read_digest_link(subject(entry), content);
  }
}

void EntryClassifier::visit_v1_storage(const TreeEntry& entry, std::string_view rest) {
  // Flat or per-repository blobs: [<repo>/]blobs/sha256:<hex>
  const std::size_t blob_at = rest.rfind("blobs/sha256:");
  if (blob_at != std::string_view::npos && (blob_at == 0 || rest[blob_at - 1] == '/')) {
    const std::string_view hex = rest.substr(blob_at + 13);
    if (!ics::is_sha256_hex(hex) || entry.type != EntryType::regular) {
      throw Error(
          ErrorKind::input,
          str_cat(subject(entry), ": not a blob: expected a regular file blobs/sha256:<64 hex>"));
    }
    m_content.blobs[str_cat("sha256:", hex)] = entry.size;
    return;
  }
  std::string_view repository;
  std::string_view name;
  if (!split_repository(rest, "manifests", repository, name)
      || name.find('/') != std::string_view::npos) {
    return;
  }
  Repository& repo = m_content.repositories[std::string(repository)];
  if (ics::is_sha256_digest(name) && entry.type == EntryType::regular) {
    repo.manifests.insert(std::string(name));
    m_content.blobs[std::string(name)] = entry.size;
  } else if (entry.type == EntryType::symlink) {
    // v1 tags are symlinks to the manifest file next to them.
    std::string_view target = entry.link_target;
    while (target.substr(0, 2) == "./") {
      target.remove_prefix(2);
    }
    if (!ics::is_sha256_digest(target)) {
      throw Error(
          ErrorKind::input,
          str_cat(
              subject(entry), ": tag symlink points outside its manifests: ", entry.link_target));
    }
    repo.tags[std::string(name)] = std::string(target);
  }
}

void EntryClassifier::visit_resource(const TreeEntry& entry,
                                     std::string_view name,
                                     EntryContent& content) {
  // v2 writes signature-configmap.yaml and .json with the same object: the YAML is taken.
  const bool is_release_signature =
      name == "signature-configmap.yaml"
      || (name.starts_with("release-signatures/") && name.ends_with(".json"));
  if (is_release_signature || name == "updateService.yaml") {
    add_cluster_resource(entry, content.read_text(k_resource_limit));
    return;
  }
  if (!has_yaml_extension(name)) {
    return;
  }
  const bool is_mirror_set = name.starts_with("idms-") || name.starts_with("itms-")
                             || name == "imageContentSourcePolicy.yaml";
  const bool is_catalog =
      name.starts_with("cs-") || name.starts_with("cc-") || name.starts_with("catalogSource-");
  if (is_mirror_set) {
    m_mirror_sets.push_back({subject(entry), content.read_text(k_resource_limit)});
  } else if (is_catalog) {
    add_catalog_resource(entry, content.read_text(k_resource_limit));
  }
}

void EntryClassifier::add_catalog_resource(const TreeEntry& entry, const std::string& text) {
  const std::string where = subject(entry);
  try {
    const YAML::Node document = YAML::Load(text);
    const std::string kind = document["kind"] ? document["kind"].as<std::string>() : std::string();
    CatalogSource catalog{document["metadata"]["name"].as<std::string>(""), kind, {}};
    if (kind == "CatalogSource") {
      catalog.image = document["spec"]["image"].as<std::string>("");
    } else if (kind == "ClusterCatalog") {
      catalog.image = document["spec"]["source"]["image"]["ref"].as<std::string>("");
    } else {
      throw Error(ErrorKind::input,
                  str_cat(where, ": not a CatalogSource or ClusterCatalog (kind ", kind, ")"));
    }
    if (catalog.image.empty()) {
      throw Error(ErrorKind::input, str_cat(where, ": ", kind, " names no image"));
    }
    m_content.catalogs.insert(std::move(catalog));
  } catch (const YAML::Exception& error) {
    throw Error(ErrorKind::input,
                str_cat(where, ":", error.mark.line + 1, ": malformed YAML: ", error.msg));
  }
}

void EntryClassifier::add_cluster_resource(const TreeEntry& entry, std::string text) {
  const std::string where = subject(entry);
  try {
    const YAML::Node document = YAML::Load(text);
    const auto kind = document["kind"].as<std::string>("");
    if (kind != "ConfigMap" && kind != "UpdateService") {
      throw Error(ErrorKind::input,
                  str_cat(where, ": not a ConfigMap or UpdateService (kind ", kind, ")"));
    }
    m_content.cluster_resources.insert(ClusterResource{
        kind, document["metadata"]["name"].as<std::string>(""), where, std::move(text)});
  } catch (const YAML::Exception& error) {
    throw Error(ErrorKind::input,
                str_cat(where, ":", error.mark.line + 1, ": malformed YAML: ", error.msg));
  }
}

void EntryClassifier::add_image_set_config(const TreeEntry& entry, std::string text) {
  const ImageSetConfig config = parse_image_set_config(text, subject(entry));
  for (const std::string& catalog : config.catalogs) {
    m_content.catalogs.insert(CatalogSource{catalog, "ImageSetConfiguration", catalog});
  }
  m_run.add_image_set_config(config);
  m_content.image_set_configs.push_back(std::move(text));
}

void EntryClassifier::add_v1_metadata(const TreeEntry& entry, std::string text) {
  const nlohmann::json metadata = nlohmann::json::parse(text, nullptr, false);
  if (metadata.is_discarded() || !metadata.is_object()) {
    throw Error(ErrorKind::input, str_cat(subject(entry), ": malformed JSON"));
  }
  const auto add_associations = [this, &entry](const nlohmann::json& list) {
    if (!list.is_array()) {
      return;
    }
    for (const nlohmann::json& association : list) {
      if (!association.is_object()) {
        throw Error(ErrorKind::input, str_cat(subject(entry), ": association is not an object"));
      }
      const std::string type = association.value("type", "");
      const std::string name = association.value("name", "");
      m_run.add_v1_association(type, name, association.value("id", ""));
      if (type == "ocpRelease") {
        // Named by tag, as the v2 storage names releases, so both spellings meet.
        const ics::ImageRef ref = ics::parse_image_ref(name);
        m_content.releases.insert(
            ReleaseImage{ref.tag.empty() ? name : ref.tag, association.value("id", "")});
      } else if (type == "operatorCatalog") {
        m_content.catalogs.insert(CatalogSource{name, "Metadata", name});
      }
    }
  };
  if (const auto past = metadata.find("pastMirror"); past != metadata.end() && past->is_object()) {
    add_associations(past->value("associations", nlohmann::json::array()));
  }
  add_associations(metadata.value("pastAssociations", nlohmann::json::array()));
  m_content.v1_metadata.push_back(std::move(text));
}

void EntryClassifier::finish(MirrorContent& out) {
  m_run.finish(m_content.repositories, m_saw_v2, m_content);
  if (const auto found = m_content.repositories.find(std::string(k_release_repository));
      found != m_content.repositories.end()) {
    for (const auto& [tag, digest] : found->second.tags) {
      m_content.releases.insert(ReleaseImage{tag, digest});
    }
  }
  std::set<std::string> catalog_locations;
  for (const CatalogSource& catalog : m_content.catalogs) {
    catalog_locations.insert(ics::parse_image_ref(catalog.image).location());
  }
  for (const TextFile& file : m_mirror_sets) {
    m_content.image_content_sources.merge(ics::parse_mirror_sets(file.text, file.subject));
    m_content.ics_origins.push_back(file.subject);
  }
  if (m_mirror_sets.empty()) {
    for (const auto& [files, rules] :
         {std::pair{&m_v2_mappings, ics::MappingRules::oc_mirror_v2},
          std::pair{&m_v1_mappings, ics::MappingRules::oc_mirror_v1}}) {
      for (const TextFile& file : *files) {
        m_content.image_content_sources.merge(
            ics::parse_mapping(file.text, file.subject, rules, catalog_locations));
        m_content.ics_origins.push_back(file.subject);
      }
    }
  }
  out.image_content_sources.merge(m_content.image_content_sources);
  out.ics_origins.insert(
      out.ics_origins.end(), m_content.ics_origins.begin(), m_content.ics_origins.end());
  out.catalogs.merge(m_content.catalogs);
  out.cluster_resources.merge(m_content.cluster_resources);
  out.releases.merge(m_content.releases);
  for (auto& [name, repository] : m_content.repositories) {
    Repository& target = out.repositories[name];
    target.tags.merge(repository.tags);
    target.manifests.merge(repository.manifests);
  }
  out.blobs.merge(m_content.blobs);
  out.collected_images.merge(m_content.collected_images);
  out.unmapped.merge(m_content.unmapped);
  for (std::string& text : m_content.image_set_configs) {
    out.image_set_configs.push_back(std::move(text));
  }
  for (std::string& text : m_content.v1_metadata) {
    out.v1_metadata.push_back(std::move(text));
  }
  m_content = MirrorContent{};
}

} // namespace zbundle::ocmirror
