#include "core/oci/manifest.hpp"

#include "core/ics/image_ref.hpp"
#include "core/util/bounded_parse.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <nlohmann/json.hpp>

namespace zbundle::oci {
namespace {

using util::str_cat;

Descriptor
parse_descriptor(const nlohmann::json& item, std::string_view subject, std::string_view field) {
  if (!item.is_object() || !item.contains("digest") || !item["digest"].is_string()
      || !item.contains("size") || !item["size"].is_number_unsigned()) {
    throw Error(ErrorKind::input,
                str_cat(subject, ": ", field, ": a descriptor needs digest and size"));
  }
  Descriptor descriptor;
  descriptor.media_type = util::json_text(item, "mediaType", str_cat(subject, ": ", field));
  descriptor.digest = item["digest"].get<std::string>();
  descriptor.size = item["size"].get<std::uint64_t>();
  if (!ics::is_sha256_digest(descriptor.digest)) {
    throw Error(ErrorKind::input,
                str_cat(subject, ": ", field, ": unsupported digest ", descriptor.digest));
  }
  if (const auto platform = item.find("platform");
      platform != item.end() && platform->is_object()) {
    const std::string where = str_cat(subject, ": ", field, ": platform");
    descriptor.platform = str_cat(util::json_text(*platform, "os", where),
                                  "/",
                                  util::json_text(*platform, "architecture", where));
  }
  descriptor.is_foreign = descriptor.media_type.find("foreign") != std::string::npos
                          || descriptor.media_type.find("nondistributable") != std::string::npos
                          || (item.contains("urls") && !item["urls"].empty());
  return descriptor;
}

std::vector<Descriptor>
parse_list(const nlohmann::json& document, const char* field, std::string_view subject) {
  std::vector<Descriptor> list;
  const auto found = document.find(field);
  if (found == document.end()) {
    return list;
  }
  if (!found->is_array()) {
    throw Error(ErrorKind::input, str_cat(subject, ": ", field, " is not a list"));
  }
  for (const nlohmann::json& item : *found) {
    list.push_back(parse_descriptor(item, subject, field));
  }
  return list;
}

} // namespace

std::vector<const Descriptor*> Manifest::blobs() const {
  std::vector<const Descriptor*> referenced;
  if (config) {
    referenced.push_back(&*config);
  }
  for (const Descriptor& layer : layers) {
    referenced.push_back(&layer);
  }
  return referenced;
}

std::string_view media_type_name(ManifestKind kind) noexcept {
  switch (kind) {
  case ManifestKind::oci_manifest:
    return "application/vnd.oci.image.manifest.v1+json";
  case ManifestKind::oci_index:
    return "application/vnd.oci.image.index.v1+json";
  case ManifestKind::docker_manifest:
    return "application/vnd.docker.distribution.manifest.v2+json";
  case ManifestKind::docker_manifest_list:
    return "application/vnd.docker.distribution.manifest.list.v2+json";
  case ManifestKind::docker_schema1:
    return "application/vnd.docker.distribution.manifest.v1+prettyjws";
  }
  return {};
}

Manifest parse_manifest(std::string_view json, std::string_view subject) {
  const nlohmann::json document = util::parse_bounded_json(json, subject);
  if (!document.is_object()) {
    throw Error(ErrorKind::input, str_cat(subject, ": malformed JSON"));
  }
  const auto version = document.find("schemaVersion");
  if (version == document.end() || !version->is_number_integer()) {
    throw Error(ErrorKind::input, str_cat(subject, ": not a manifest: no schemaVersion"));
  }
  Manifest manifest;
  if (version->get<int>() == 1) {
    manifest.kind = ManifestKind::docker_schema1;
    return manifest;
  }
  const std::string media_type = util::json_text(document, "mediaType", subject);
  const bool has_children = document.contains("manifests");
  if (media_type == "application/vnd.docker.distribution.manifest.list.v2+json") {
    manifest.kind = ManifestKind::docker_manifest_list;
  } else if (media_type == "application/vnd.docker.distribution.manifest.v2+json") {
    manifest.kind = ManifestKind::docker_manifest;
  } else {
    // OCI allows mediaType to be absent: the fields tell an index from a manifest.
    manifest.kind = media_type == "application/vnd.oci.image.index.v1+json" || has_children
                        ? ManifestKind::oci_index
                        : ManifestKind::oci_manifest;
  }
  manifest.media_type =
      media_type.empty() ? std::string(media_type_name(manifest.kind)) : media_type;
  if (manifest.is_index()) {
    manifest.children = parse_list(document, "manifests", subject);
    return manifest;
  }
  if (!document.contains("config")) {
    throw Error(ErrorKind::input, str_cat(subject, ": not a manifest: no config"));
  }
  manifest.config = parse_descriptor(document["config"], subject, "config");
  manifest.layers = parse_list(document, "layers", subject);
  return manifest;
}

std::vector<LayoutEntry> parse_layout_index(std::string_view json, std::string_view subject) {
  const nlohmann::json document = util::parse_bounded_json(json, subject);
  if (!document.is_object()) {
    throw Error(ErrorKind::input, str_cat(subject, ": malformed JSON"));
  }
  std::vector<LayoutEntry> entries;
  const auto list = document.find("manifests");
  if (list == document.end() || !list->is_array()) {
    throw Error(ErrorKind::input, str_cat(subject, ": not an OCI layout index: no manifests list"));
  }
  for (const nlohmann::json& item : *list) {
    LayoutEntry entry{parse_descriptor(item, subject, "manifests"), {}};
    if (const auto annotations = item.find("annotations");
        annotations != item.end() && annotations->is_object()) {
      entry.tag = util::json_text(
          *annotations, "org.opencontainers.image.ref.name", str_cat(subject, ": annotations"));
    }
    if (entry.tag.empty()) {
      entry.tag = entry.descriptor.digest;
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::string config_architecture(std::string_view json) {
  nlohmann::json document;
  try {
    document = util::parse_bounded_json(json, "config");
  } catch (const Error&) {
    return {}; // unreadable: no architecture, which the caller reports
  }
  const auto architecture = document.is_object() ? document.find("architecture") : document.end();
  if (architecture == document.end() || !architecture->is_string()) {
    return {};
  }
  return architecture->get<std::string>();
}

} // namespace zbundle::oci
