#include "core/bundle/manifest.hpp"

#include "core/bundle/entry_path.hpp"
#include "core/ics/image_ref.hpp"
#include "core/util/error.hpp"
#include "core/util/hex.hpp"
#include "core/util/str_cat.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <initializer_list>

namespace zbundle::bundle {
namespace {

using Json = nlohmann::ordered_json;
using util::str_cat;

constexpr std::string_view k_subject = "ZBUNDLE/manifest.json";
constexpr std::size_t k_bundle_id_length = 32;
constexpr std::size_t k_sha256_hex_length = 64;

constexpr std::array k_categories{ocmirror::ImageCategory::release,
                                  ocmirror::ImageCategory::release_content,
                                  ocmirror::ImageCategory::operator_image,
                                  ocmirror::ImageCategory::generic,
                                  ocmirror::ImageCategory::catalog,
                                  ocmirror::ImageCategory::graph};
constexpr std::array k_source_formats{ocmirror::SourceFormat::oc_mirror_v1,
                                      ocmirror::SourceFormat::oc_mirror_v2,
                                      ocmirror::SourceFormat::registry_storage,
                                      ocmirror::SourceFormat::oci_layout};

[[noreturn]] void refuse(std::string_view field, std::string_view why) {
  throw Error(ErrorKind::check, str_cat(k_subject, ": ", field, ": ", why));
}

// Field access that refuses what the schema refuses: missing members, unknown members and
// wrong types, naming the field.
class Reader {
public:
  Reader(const Json& object, std::string field, std::initializer_list<std::string_view> members)
      : m_object(object), m_field(std::move(field)) {
    if (!object.is_object()) {
      refuse(m_field, "not an object");
    }
    for (const auto& [key, value] : object.items()) {
      if (std::find(members.begin(), members.end(), key) == members.end()) {
        refuse(str_cat(m_field, ".", key), "unknown field");
      }
    }
  }

  [[nodiscard]] const Json& at(std::string_view key, Json::value_t type) const {
    const auto found = m_object.find(std::string(key));
    if (found == m_object.end()) {
      refuse(str_cat(m_field, ".", key), "missing");
    }
    const bool matches =
        found->type() == type
        || (type == Json::value_t::number_unsigned && found->type() == Json::value_t::number_integer
            && found->get<std::int64_t>() >= 0);
    if (!matches) {
      refuse(str_cat(m_field, ".", key), str_cat("not a ", Json(type).type_name()));
    }
    return *found;
  }
  [[nodiscard]] bool has(std::string_view key) const { return m_object.contains(std::string(key)); }
  [[nodiscard]] std::string text(std::string_view key) const {
    return at(key, Json::value_t::string).get<std::string>();
  }
  [[nodiscard]] std::uint64_t number(std::string_view key) const {
    return at(key, Json::value_t::number_unsigned).get<std::uint64_t>();
  }
  [[nodiscard]] const Json& array(std::string_view key) const {
    return at(key, Json::value_t::array);
  }
  [[nodiscard]] std::string field(std::string_view key) const { return str_cat(m_field, ".", key); }

private:
  const Json& m_object;
  std::string m_field;
};

std::string checked_hex(std::string text, std::size_t length, std::string_view field) {
  if (!util::is_lower_hex(text, length)) {
    refuse(field, str_cat("not ", length, " lower-case hex characters"));
  }
  return text;
}

std::string checked_digest(std::string text, std::string_view field) {
  if (!ics::is_sha256_digest(text)) {
    refuse(field, "not a sha256:<64 hex> digest");
  }
  return text;
}

std::vector<std::string> text_list(const Json& array, std::string_view field) {
  std::vector<std::string> items;
  for (const Json& item : array) {
    if (!item.is_string()) {
      refuse(field, "holds a non-string");
    }
    items.push_back(item.get<std::string>());
  }
  return items;
}

Json sources_json(const ics::ImageContentSources& sources) {
  Json list = Json::array();
  for (const ics::ContentSource& entry : sources.sources()) {
    Json mirrors = Json::array();
    for (const ics::Mirror& mirror : entry.mirrors) {
      mirrors.push_back(
          {{"location", mirror.location}, {"digest", mirror.by_digest}, {"tag", mirror.by_tag}});
    }
    Json item = {{"source", entry.source}, {"mirrors", std::move(mirrors)}};
    if (entry.policy == ics::SourcePolicy::never_contact_source) {
      item["mirrorSourcePolicy"] = "NeverContactSource";
    } else if (entry.policy == ics::SourcePolicy::allow_contacting_source) {
      item["mirrorSourcePolicy"] = "AllowContactingSource";
    }
    list.push_back(std::move(item));
  }
  return list;
}

ics::ImageContentSources parse_sources(const Json& list) {
  ics::ImageContentSources sources;
  for (const Json& item : list) {
    const Reader entry(
        item, "image_content_sources[]", {"source", "mirrors", "mirrorSourcePolicy"});
    const std::string source = entry.text("source");
    for (const Json& mirror_item : entry.array("mirrors")) {
      const Reader mirror(mirror_item, entry.field("mirrors[]"), {"location", "digest", "tag"});
      const std::string location = mirror.text("location");
      if (mirror.at("digest", Json::value_t::boolean).get<bool>()) {
        sources.add(source, location, ics::MirrorKind::digest);
      }
      if (mirror.at("tag", Json::value_t::boolean).get<bool>()) {
        sources.add(source, location, ics::MirrorKind::tag);
      }
    }
    if (entry.has("mirrorSourcePolicy")) {
      const std::string policy = entry.text("mirrorSourcePolicy");
      if (policy != "NeverContactSource" && policy != "AllowContactingSource") {
        refuse(entry.field("mirrorSourcePolicy"), "unknown policy");
      }
      sources.set_policy(source,
                         policy == "NeverContactSource"
                             ? ics::SourcePolicy::never_contact_source
                             : ics::SourcePolicy::allow_contacting_source);
    }
  }
  return sources;
}

Json repositories_json(const std::vector<RepositoryRecord>& repositories) {
  Json list = Json::array();
  for (const RepositoryRecord& repository : repositories) {
    Json tags = Json::object();
    for (const auto& [tag, digest] : repository.tags) {
      tags[tag] = digest;
    }
    list.push_back({{"name", repository.name},
                    {"tags", std::move(tags)},
                    {"manifests", repository.manifests},
                    {"blobs", repository.blobs}});
  }
  return list;
}

std::vector<RepositoryRecord> parse_repositories(const Json& list) {
  std::vector<RepositoryRecord> repositories;
  for (const Json& item : list) {
    const Reader entry(item, "repositories[]", {"name", "tags", "manifests", "blobs"});
    RepositoryRecord repository;
    repository.name = entry.text("name");
    const std::string field = str_cat("repositories[", repository.name, "]");
    for (const auto& [tag, digest] : entry.at("tags", Json::value_t::object).items()) {
      if (!digest.is_string()) {
        refuse(str_cat(field, ".tags.", tag), "not a string");
      }
      repository.tags[tag] =
          checked_digest(digest.get<std::string>(), str_cat(field, ".tags.", tag));
    }
    for (std::string& digest : text_list(entry.array("manifests"), str_cat(field, ".manifests"))) {
      repository.manifests.insert(checked_digest(std::move(digest), str_cat(field, ".manifests")));
    }
    for (std::string& digest : text_list(entry.array("blobs"), str_cat(field, ".blobs"))) {
      repository.blobs.insert(checked_digest(std::move(digest), str_cat(field, ".blobs")));
    }
    repositories.push_back(std::move(repository));
  }
  return repositories;
}

std::vector<Entry> parse_entries(const Json& list) {
  std::vector<Entry> entries;
  entries.reserve(list.size());
  std::set<std::string> seen;
  for (const Json& item : list) {
    const Reader entry(item, "entries[]", {"path", "size", "sha256"});
    Entry parsed{entry.text("path"), entry.number("size"), {}};
    const std::string field = str_cat("entries[", parsed.path, "]");
    if (const std::string problem = payload_path_problem(parsed.path); !problem.empty()) {
      refuse(field, str_cat("bad path: ", problem));
    }
    if (!seen.insert(parsed.path).second) {
      refuse(field, "listed twice");
    }
    parsed.sha256 =
        checked_hex(entry.text("sha256"), k_sha256_hex_length, str_cat(field, ".sha256"));
    entries.push_back(std::move(parsed));
  }
  return entries;
}

} // namespace

std::uint64_t Manifest::total_bytes() const noexcept {
  std::uint64_t total = 0;
  for (const Entry& entry : entries) {
    total += entry.size;
  }
  return total;
}

std::string_view source_kind_name(ocmirror::SourceFormat format) noexcept {
  switch (format) {
  case ocmirror::SourceFormat::oc_mirror_v1:
    return "oc-mirror-v1";
  case ocmirror::SourceFormat::oc_mirror_v2:
    return "oc-mirror-v2";
  case ocmirror::SourceFormat::registry_storage:
    return "registry-storage";
  case ocmirror::SourceFormat::oci_layout:
    return "oci-layout";
  case ocmirror::SourceFormat::mirror_set_file:
  case ocmirror::SourceFormat::mapping_file:
    break;
  }
  return "other";
}

std::string_view category_name(ocmirror::ImageCategory category) noexcept {
  switch (category) {
  case ocmirror::ImageCategory::release:
    return "release";
  case ocmirror::ImageCategory::release_content:
    return "release-content";
  case ocmirror::ImageCategory::operator_image:
    return "operator";
  case ocmirror::ImageCategory::generic:
    return "generic";
  case ocmirror::ImageCategory::catalog:
    return "catalog";
  case ocmirror::ImageCategory::graph:
    return "graph";
  }
  return "generic";
}

std::string serialize_manifest(const Manifest& manifest) {
  Json document = {{"format", k_format},
                   {"bundle_id", manifest.bundle_id},
                   {"created", manifest.created},
                   {"signer", {{"key_id", manifest.key_id}}},
                   {"source", {{"kind", manifest.source_kind}, {"names", manifest.source_names}}},
                   {"base_bundles", manifest.base_bundles},
                   {"mirror", manifest.mirror ? Json(*manifest.mirror) : Json(nullptr)},
                   {"image_content_sources", sources_json(manifest.image_content_sources)}};
  Json& releases = document["releases"] = Json::array();
  for (const ocmirror::ReleaseImage& release : manifest.releases) {
    releases.push_back({{"name", release.name}, {"digest", release.digest}});
  }
  Json& images = document["images"] = Json::array();
  for (const ocmirror::CollectedImage& image : manifest.images) {
    images.push_back({{"source", image.source}, {"category", category_name(image.category)}});
  }
  Json& catalogs = document["catalogs"] = Json::array();
  for (const ocmirror::CatalogSource& catalog : manifest.catalogs) {
    catalogs.push_back({{"name", catalog.name}, {"image", catalog.image}});
  }
  document["repositories"] = repositories_json(manifest.repositories);
  Json& certificates = document["ca_certificates"] = Json::array();
  for (const CaCertificate& certificate : manifest.ca_certificates) {
    certificates.push_back({{"subject", certificate.subject},
                            {"not_after", certificate.not_after},
                            {"sha256", certificate.sha256},
                            {"pem", certificate.pem}});
  }
  Json& entries = document["entries"] = Json::array();
  for (const Entry& entry : manifest.entries) {
    entries.push_back({{"path", entry.path}, {"size", entry.size}, {"sha256", entry.sha256}});
  }
  document["totals"] = {{"entries", manifest.entries.size()}, {"bytes", manifest.total_bytes()}};
  Json& volumes = document["volumes"] = Json::array();
  for (const Volume& volume : manifest.volumes) {
    volumes.push_back({{"name", volume.name}, {"size", volume.size}, {"sha256", volume.sha256}});
  }
  return document.dump() + "\n";
}

Manifest parse_manifest(std::string_view json) {
  Json document;
  try {
    document = Json::parse(json);
  } catch (const Json::exception& error) {
    refuse("JSON", error.what());
  }
  const Reader top(document,
                   "manifest",
                   {"format",
                    "bundle_id",
                    "created",
                    "signer",
                    "source",
                    "base_bundles",
                    "mirror",
                    "image_content_sources",
                    "releases",
                    "images",
                    "catalogs",
                    "repositories",
                    "ca_certificates",
                    "entries",
                    "totals",
                    "volumes"});
  if (top.text("format") != k_format) {
    refuse("format",
           str_cat("unsupported format ", top.text("format"), ", this reader knows ", k_format));
  }
  Manifest manifest;
  manifest.bundle_id = checked_hex(top.text("bundle_id"), k_bundle_id_length, "bundle_id");
  manifest.created = top.text("created");
  manifest.key_id = checked_hex(
      Reader(top.at("signer", Json::value_t::object), "signer", {"key_id"}).text("key_id"),
      k_sha256_hex_length,
      "signer.key_id");
  const Reader source(top.at("source", Json::value_t::object), "source", {"kind", "names"});
  manifest.source_kind = source.text("kind");
  if (std::none_of(
          k_source_formats.begin(), k_source_formats.end(), [&](ocmirror::SourceFormat format) {
            return source_kind_name(format) == manifest.source_kind;
          })) {
    refuse("source.kind", str_cat("unknown kind ", manifest.source_kind));
  }
  manifest.source_names = text_list(source.array("names"), "source.names");
  for (std::string& id : text_list(top.array("base_bundles"), "base_bundles")) {
    manifest.base_bundles.push_back(checked_hex(std::move(id), k_bundle_id_length, "base_bundles"));
  }
  if (!document.at("mirror").is_null()) {
    manifest.mirror = top.text("mirror");
  }
  manifest.image_content_sources = parse_sources(top.array("image_content_sources"));
  for (const Json& item : top.array("releases")) {
    const Reader release(item, "releases[]", {"name", "digest"});
    manifest.releases.push_back({release.text("name"), release.text("digest")});
  }
  for (const Json& item : top.array("images")) {
    const Reader image(item, "images[]", {"source", "category"});
    const std::string name = image.text("category");
    const auto* category = std::find_if(
        k_categories.begin(), k_categories.end(), [&](auto c) { return category_name(c) == name; });
    if (category == k_categories.end()) {
      refuse("images[].category", str_cat("unknown category ", name));
    }
    manifest.images.push_back({image.text("source"), *category, ics::MappingRules::oc_mirror_v2});
  }
  for (const Json& item : top.array("catalogs")) {
    const Reader catalog(item, "catalogs[]", {"name", "image"});
    manifest.catalogs.push_back({catalog.text("name"), "CatalogSource", catalog.text("image")});
  }
  manifest.repositories = parse_repositories(top.array("repositories"));
  for (const Json& item : top.array("ca_certificates")) {
    const Reader certificate(item, "ca_certificates[]", {"subject", "not_after", "sha256", "pem"});
    manifest.ca_certificates.push_back(
        {certificate.text("subject"),
         certificate.text("not_after"),
         checked_hex(certificate.text("sha256"), k_sha256_hex_length, "ca_certificates[].sha256"),
         certificate.text("pem")});
  }
  manifest.entries = parse_entries(top.array("entries"));
  const Reader totals(top.at("totals", Json::value_t::object), "totals", {"entries", "bytes"});
  if (totals.number("entries") != manifest.entries.size()
      || totals.number("bytes") != manifest.total_bytes()) {
    refuse("totals", "do not match the entries");
  }
  for (const Json& item : top.array("volumes")) {
    const Reader volume(item, "volumes[]", {"name", "size", "sha256"});
    manifest.volumes.push_back(
        {volume.text("name"),
         volume.number("size"),
         checked_hex(volume.text("sha256"), k_sha256_hex_length, "volumes[].sha256")});
  }
  return manifest;
}

} // namespace zbundle::bundle
