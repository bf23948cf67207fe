#include "core/ocmirror/entry_classifier.hpp"

#include "core/ics/image_ref.hpp"
#include "core/ics/parse_mapping.hpp"
#include "core/ics/parse_mirror_sets.hpp"
#include "core/oci/manifest.hpp"
#include "core/oci/reference_graph.hpp"
#include "core/oci/storage_path.hpp"
#include "core/ocmirror/cluster_resource.hpp"
#include "core/util/bounded_parse.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

namespace zbundle::ocmirror {
namespace {

// v1's .metadata.json keeps the ImageSetConfiguration's mirror block, as the user wrote it, in
// pastMirror.mirror: the catalogs it renames, by their source reference.
std::map<std::string, model::MirrorTarget> v1_catalog_targets(const nlohmann::json& metadata,
                                                              const std::string& subject) {
  std::map<std::string, model::MirrorTarget> targets;
  const auto past = metadata.find("pastMirror");
  if (past == metadata.end() || !past->is_object()) {
    return targets;
  }
  const auto mirror = past->find("mirror");
  if (mirror == past->end() || !mirror->is_object()) {
    return targets;
  }
  const nlohmann::json wrapped = {{"mirror", *mirror}};
  for (const ConfiguredImage& catalog :
       parse_image_set_config(wrapped.dump(), util::str_cat(subject, ": pastMirror.mirror"))
           .catalogs) {
    targets.emplace(catalog.reference, catalog.target);
  }
  return targets;
}

using util::str_cat;

constexpr std::size_t k_link_file_limit = 256;
constexpr std::size_t k_resource_limit = std::size_t{64} << 20;
constexpr std::size_t k_signature_limit = std::size_t{64} << 10; // an OpenPGP signature is ~1 KiB
constexpr std::string_view k_v2_storage = "docker/registry/v2/";
constexpr std::string_view k_cluster_resources = "working-dir/cluster-resources/";
constexpr std::string_view k_release_repository = "openshift/release-images";

std::string_view after(std::string_view text, std::string_view prefix) noexcept {
  return text.substr(0, prefix.size()) == prefix ? text.substr(prefix.size()) : std::string_view{};
}

bool has_yaml_extension(std::string_view name) noexcept {
  return name.ends_with(".yaml") || name.ends_with(".yml");
}

std::string read_digest_link(const std::string& subject, walk::EntryContent& content) {
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

std::string EntryClassifier::subject(const walk::TreeEntry& entry) const {
  return entry.disk_path.empty() ? str_cat(m_container, ": ", entry.path) : entry.disk_path;
}

void EntryClassifier::visit(const walk::TreeEntry& entry, walk::EntryContent& content) {
  if (entry.path.starts_with(k_v2_storage) || entry.path == "index.json") {
    m_saw_v2 = true;
    visit_storage(entry, content);
  } else if (entry.path.starts_with("working-dir/")) {
    m_saw_v2 = true;
    if (m_run.visit(entry, subject(entry), content)) {
      return;
    }
    if (const std::string_view name = after(entry.path, k_cluster_resources);
        !name.empty() && entry.type == walk::EntryType::regular) {
      visit_resource(entry, name, content);
    } else if (entry.path == "working-dir/dry-run/mapping.txt"
               && entry.type == walk::EntryType::regular) {
      m_v2_mappings.push_back({subject(entry), content.read_text(k_resource_limit)});
    } else if (const std::string_view signature = after(entry.path, "working-dir/signatures/");
               !signature.empty() && entry.type == walk::EntryType::regular) {
      m_signatures.add(signature, content.read_text(k_signature_limit), subject(entry));
    }
  } else if (entry.path.starts_with("isc_") && entry.path.find('/') == std::string::npos) {
    m_saw_v2 = true;
    add_image_set_config(entry, content.read_text(k_resource_limit));
  } else if (entry.path.starts_with("v2/") || entry.path.starts_with("blobs/")) {
    m_saw_v1 = true;
    visit_storage(entry, content);
  } else if (entry.path == "publish/.metadata.json") {
    m_saw_v1 = true;
    add_v1_metadata(entry, content.read_text(k_resource_limit));
  } else if (entry.path.starts_with("release-signatures/") && entry.path.ends_with(".json")
             && entry.type == walk::EntryType::regular) {
    m_saw_v1 = true; // a v1 archive's ConfigMap per release, as library-go writes it
    add_cluster_resource(entry, content.read_text(k_resource_limit));
  } else if (const std::string_view name = after(entry.path, "results/");
             !name.empty() && entry.type == walk::EntryType::regular) {
    if (name == "mapping.txt") {
      m_v1_mappings.push_back({subject(entry), content.read_text(k_resource_limit)});
    } else {
      visit_resource(entry, name, content);
    }
  }
}

void EntryClassifier::visit_storage(const walk::TreeEntry& entry, walk::EntryContent& content) {
  const oci::StoragePath storage = oci::classify_storage_path(entry.path);
  const bool is_regular = entry.type == walk::EntryType::regular;
  switch (storage.kind) {
  case oci::StoragePathKind::none:
    return;
  case oci::StoragePathKind::malformed_blob:
    throw Error(
        ErrorKind::input,
        str_cat(subject(entry),
                ": not a blob: expected blobs/sha256/<hh>/<64 hex>/data or blobs/sha256:<64 hex>"));
  case oci::StoragePathKind::malformed_revision:
    throw Error(ErrorKind::input,
                str_cat(subject(entry), ": not a revision link: bad digest in path"));
  case oci::StoragePathKind::blob:
    if (!is_regular) {
      throw Error(ErrorKind::input, str_cat(subject(entry), ": not a blob: not a regular file"));
    }
    m_content.blobs[storage.digest] = entry.size;
    return;
  case oci::StoragePathKind::revision_link:
    m_content.repositories[storage.repository].manifests.insert(storage.digest);
    return;
  case oci::StoragePathKind::tag_link:
    if (!is_regular) {
      throw Error(ErrorKind::input, str_cat(subject(entry), ": not a regular file"));
    }
    m_content.repositories[storage.repository].tags[storage.tag] =
        read_digest_link(subject(entry), content);
    return;
  case oci::StoragePathKind::v1_manifest:
    if (is_regular) {
      m_content.repositories[storage.repository].manifests.insert(storage.digest);
      m_content.blobs[storage.digest] = entry.size;
    }
    return;
  case oci::StoragePathKind::layout_index:
    if (is_regular) {
      const std::string repository = std::filesystem::path(m_container).filename().string();
      for (const oci::LayoutEntry& layout_entry :
           oci::parse_layout_index(content.read_text(k_resource_limit), subject(entry))) {
        m_content.repositories[repository].tags[layout_entry.tag] = layout_entry.descriptor.digest;
      }
    }
    return;
  case oci::StoragePathKind::v1_tag:
    if (entry.type == walk::EntryType::symlink) {
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
      m_content.repositories[storage.repository].tags[storage.tag] = std::string(target);
    }
    return;
  }
}

void EntryClassifier::visit_resource(const walk::TreeEntry& entry,
                                     std::string_view name,
                                     walk::EntryContent& content) {
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

void EntryClassifier::add_catalog_resource(const walk::TreeEntry& entry, const std::string& text) {
  const std::string where = subject(entry);
  const YAML::Node document =
      parse_single_resource(text, where, {"CatalogSource", "ClusterCatalog"});
  try {
    const std::string kind = document["kind"].Scalar();
    model::CatalogSource catalog{document["metadata"]["name"].as<std::string>(""), kind, {}};
    catalog.image = kind == "CatalogSource"
                        ? document["spec"]["image"].as<std::string>("")
                        : document["spec"]["source"]["image"]["ref"].as<std::string>("");
    if (catalog.image.empty()) {
      throw Error(ErrorKind::input, str_cat(where, ": ", kind, " names no image"));
    }
    (void)ics::parse_image_ref(catalog.image); // checked here, where the file can be named
    m_content.catalogs.insert(std::move(catalog));
  } catch (const YAML::Exception& error) {
    throw Error(ErrorKind::input, str_cat(where, ":", error.mark.line + 1, ": ", error.msg));
  }
}

void EntryClassifier::add_cluster_resource(const walk::TreeEntry& entry, const std::string& text) {
  const std::string where = subject(entry);
  const YAML::Node document = parse_single_resource(text, where, {"ConfigMap", "UpdateService"});
  try {
    m_content.cluster_resources.insert(
        model::ClusterResource{document["kind"].Scalar(),
                               document["metadata"]["name"].as<std::string>(""),
                               where,
                               emit_resource(document)});
  } catch (const YAML::Exception& error) {
    throw Error(ErrorKind::input, str_cat(where, ":", error.mark.line + 1, ": ", error.msg));
  }
}

void EntryClassifier::add_image_set_config(const walk::TreeEntry& entry, std::string text) {
  const ImageSetConfig config = parse_image_set_config(text, subject(entry));
  for (const ConfiguredImage& catalog : config.catalogs) {
    m_content.catalogs.insert(model::CatalogSource{
        catalog.reference, "ImageSetConfiguration", catalog.reference, catalog.target});
  }
  m_run.add_image_set_config(config);
  m_content.image_set_configs.push_back(std::move(text));
}

// The ConfigMap oc-mirror would write after disk-to-mirror, from a mirror-to-disk run's
// signature files; oc-mirror's own, when the input has it, wins.
void EntryClassifier::add_signature_configmap() {
  if (m_signatures.empty()
      || std::any_of(m_content.cluster_resources.begin(),
                     m_content.cluster_resources.end(),
                     [](const model::ClusterResource& resource) {
                       return resource.kind == "ConfigMap"
                              && resource.name == k_signature_configmap_name;
                     })) {
    return;
  }
  m_content.cluster_resources.insert(
      model::ClusterResource{"ConfigMap",
                             std::string(k_signature_configmap_name),
                             str_cat(m_container, ": working-dir/signatures/"),
                             m_signatures.configmap()});
}

// With `graph: true` oc-mirror writes an UpdateService after disk-to-mirror; a mirror-to-disk
// run gets the same one here (namespace as v2 writes it), pointing at the placeholder mirror
// that rendering moves to the real one.
void EntryClassifier::add_update_service() {
  const bool wants_graph = std::any_of(m_content.collected_images.begin(),
                                       m_content.collected_images.end(),
                                       [](const model::CollectedImage& image) {
                                         return image.category == model::ImageCategory::graph;
                                       });
  const bool has_update_service = std::any_of(
      m_content.cluster_resources.begin(),
      m_content.cluster_resources.end(),
      [](const model::ClusterResource& resource) { return resource.kind == "UpdateService"; });
  if (!wants_graph || has_update_service) {
    return;
  }
  m_content.cluster_resources.insert(
      model::ClusterResource{"UpdateService",
                             "update-service-oc-mirror",
                             str_cat(m_container, ": ImageSetConfiguration mirror.platform.graph"),
                             update_service_text()});
}

void EntryClassifier::add_v1_metadata(const walk::TreeEntry& entry, std::string text) {
  const nlohmann::json metadata = util::parse_bounded_json(text, subject(entry));
  if (!metadata.is_object()) {
    throw Error(ErrorKind::input, str_cat(subject(entry), ": malformed JSON"));
  }
  const std::map<std::string, model::MirrorTarget> catalog_targets =
      v1_catalog_targets(metadata, subject(entry));
  const auto add_associations = [this, &entry, &catalog_targets](const nlohmann::json& list) {
    if (!list.is_array()) {
      return;
    }
    for (const nlohmann::json& association : list) {
      if (!association.is_object()) {
        throw Error(ErrorKind::input, str_cat(subject(entry), ": association is not an object"));
      }
      const std::string where = str_cat(subject(entry), ": association");
      const std::string type = util::json_text(association, "type", where);
      const std::string name = util::json_text(association, "name", where);
      const std::string id = util::json_text(association, "id", where);
      if (ics::is_sha256_digest(name)) {
        continue; // a child manifest of an index, named by its digest (oc-mirror-formats.md 1.8)
      }
      m_run.add_v1_association(type, name, id);
      if (type == "ocpRelease") {
        // Named by tag, as the v2 storage names releases, so both spellings meet.
        const ics::ImageRef ref = ics::parse_image_ref(name);
        m_content.releases.insert(model::ReleaseImage{ref.tag.empty() ? name : ref.tag, id});
      } else if (type == "operatorCatalog") {
        const auto target = catalog_targets.find(name);
        m_content.catalogs.insert(model::CatalogSource{
            name,
            "Metadata",
            name,
            target == catalog_targets.end() ? model::MirrorTarget{} : target->second});
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
  add_signature_configmap();
  add_update_service();
  if (const auto found = m_content.repositories.find(std::string(k_release_repository));
      found != m_content.repositories.end()) {
    for (const auto& [tag, digest] : found->second.tags) {
      if (!oci::is_signature_tag(tag)) {
        m_content.releases.insert(model::ReleaseImage{tag, digest});
      }
    }
  }
  std::set<std::string> catalog_locations;
  for (const model::CatalogSource& catalog : m_content.catalogs) {
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
