// The signed model's sections of the manifest (bundle-schema/README.md section 3): what the
// artifacts are rendered from, on either side of the air gap.

#include "core/bundle/entry_path.hpp"
#include "core/bundle/manifest_json.hpp"
#include "core/check/seal_gate.hpp"
#include "core/ocmirror/cluster_resource.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <span>

namespace zbundle::bundle::manifest_json {
namespace {

using util::str_cat;

constexpr std::array k_categories{model::ImageCategory::release,
                                  model::ImageCategory::release_content,
                                  model::ImageCategory::operator_image,
                                  model::ImageCategory::generic,
                                  model::ImageCategory::catalog,
                                  model::ImageCategory::graph};
constexpr std::array<std::string_view, 4> k_catalog_kinds{
    "CatalogSource", "ClusterCatalog", "ImageSetConfiguration", "Metadata"};
constexpr std::array<std::string_view, 2> k_resource_kinds{"ConfigMap", "UpdateService"};

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

// An image reference of the model, checked against the grammar it is pulled and rendered with.
std::string checked_reference(std::string text, std::string_view field) {
  try {
    (void)ics::parse_image_ref(text);
  } catch (const Error& error) {
    refuse(field, error.what());
  }
  return text;
}

// add() and set_policy() hold every source and mirror to the location grammar (Error{input}).
ics::ImageContentSources parse_sources(const Json& list) try {
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
} catch (const Error& error) {
  if (error.kind() == ErrorKind::check) {
    throw;
  }
  refuse("image_content_sources[]", error.what());
}

std::string checked_choice(std::string text,
                           std::span<const std::string_view> choices,
                           std::string_view field) {
  if (std::find(choices.begin(), choices.end(), text) == choices.end()) {
    refuse(field, str_cat("unknown value ", text));
  }
  return text;
}

// An ImageSetConfiguration's rename of an image, written only when there is one.
void put_target(Json& item, const model::MirrorTarget& target) {
  if (!target.empty()) {
    item["target"] = {{"repository", target.repository}, {"tag", target.tag}};
  }
}

model::MirrorTarget read_target(const Reader& item, std::string_view field) {
  if (!item.has("target")) {
    return {};
  }
  const Reader target(
      item.at("target", Json::value_t::object), str_cat(field, ".target"), {"repository", "tag"});
  model::MirrorTarget read{target.text("repository"), target.text("tag")};
  if (read.empty()) {
    refuse(target.field("repository"), "empty, and so is the tag: leave the target out");
  }
  if (!read.repository.empty() && !ics::is_repository_path(read.repository)) {
    refuse(target.field("repository"), "not a repository path");
  }
  if (!read.tag.empty() && !ics::is_tag(read.tag)) {
    refuse(target.field("tag"), "not a tag");
  }
  return read;
}

} // namespace

void write_model(const Manifest& manifest, Json& document) {
  document["image_content_sources"] = sources_json(manifest.image_content_sources);
  Json& releases = document["releases"] = Json::array();
  for (const model::ReleaseImage& release : manifest.releases) {
    releases.push_back({{"name", release.name}, {"digest", release.digest}});
  }
  Json& images = document["images"] = Json::array();
  for (const model::CollectedImage& image : manifest.images) {
    Json& item = images.emplace_back(
        Json{{"source", image.source}, {"category", model::category_name(image.category)}});
    put_target(item, image.target);
  }
  Json& catalogs = document["catalogs"] = Json::array();
  for (const model::CatalogSource& catalog : manifest.catalogs) {
    Json& item = catalogs.emplace_back(
        Json{{"name", catalog.name}, {"kind", catalog.kind}, {"image", catalog.image}});
    put_target(item, catalog.target);
  }
  Json& resources = document["cluster_resources"] = Json::array();
  for (const model::ClusterResource& resource : manifest.cluster_resources) {
    resources.push_back(
        {{"kind", resource.kind}, {"name", resource.name}, {"text", resource.text}});
  }
  Json& waivers = document["waivers"] = Json::array();
  for (const model::Waiver& waiver : manifest.waivers) {
    waivers.push_back(
        {{"kind", model::problem_kind_name(waiver.kind)}, {"problems", waiver.problems}});
  }
}

// One waiver per kind, each a kind the gate can waive, naming at least one problem.
std::vector<model::Waiver> read_waivers(const Json& list) {
  std::vector<model::Waiver> waivers;
  for (const Json& item : list) {
    const Reader waiver(item, "waivers[]", {"kind", "problems"});
    const std::string name = waiver.text("kind");
    const std::optional<model::ProblemKind> kind = model::parse_problem_kind(name);
    if (!kind || !check::is_waivable(*kind)) {
      refuse("waivers[].kind", str_cat("not a kind that can be waived: ", name));
    }
    if (std::any_of(waivers.begin(), waivers.end(), [&](const model::Waiver& other) {
          return other.kind == *kind;
        })) {
      refuse("waivers[].kind", str_cat(name, " twice"));
    }
    std::vector<std::string> problems = text_list(waiver.array("problems"), "waivers[].problems");
    if (problems.empty()) {
      refuse("waivers[].problems", str_cat(name, ": waived, but names no problem"));
    }
    waivers.push_back({*kind, std::move(problems)});
  }
  return waivers;
}

void read_model(const Reader& top, Manifest& manifest) {
  manifest.image_content_sources = parse_sources(top.array("image_content_sources"));
  for (const Json& item : top.array("releases")) {
    const Reader release(item, "releases[]", {"name", "digest"});
    std::string name = release.text("name");
    if (!ics::is_tag(name)) { // v1 names a release by its tag, v2 by its reference
      name = checked_reference(std::move(name), "releases[].name");
    }
    std::string digest = release.text("digest");
    if (!digest.empty()) {
      digest = checked_digest(std::move(digest), "releases[].digest");
    }
    manifest.releases.push_back({std::move(name), std::move(digest)});
  }
  for (const Json& item : top.array("images")) {
    const Reader image(item, "images[]", {"source", "category", "target"});
    const std::string name = image.text("category");
    const auto* category = std::find_if(k_categories.begin(), k_categories.end(), [&](auto c) {
      return model::category_name(c) == name;
    });
    if (category == k_categories.end()) {
      refuse("images[].category", str_cat("unknown category ", name));
    }
    manifest.images.push_back({checked_reference(image.text("source"), "images[].source"),
                               *category,
                               ics::MappingRules::oc_mirror_v2,
                               read_target(image, "images[]")});
  }
  for (const Json& item : top.array("catalogs")) {
    const Reader catalog(item, "catalogs[]", {"name", "kind", "image", "target"});
    manifest.catalogs.push_back(
        {catalog.text("name"),
         checked_choice(catalog.text("kind"), k_catalog_kinds, "catalogs[].kind"),
         checked_reference(catalog.text("image"), "catalogs[].image"),
         read_target(catalog, "catalogs[]")});
  }
  for (const Json& item : top.array("cluster_resources")) {
    const Reader resource(item, "cluster_resources[]", {"kind", "name", "text"});
    std::string kind =
        checked_choice(resource.text("kind"), k_resource_kinds, "cluster_resources[].kind");
    std::string text = resource.multiline_text("text");
    try { // one object of its kind, within bounds: what apply-cluster.sh will give `oc apply`
      (void)ocmirror::parse_single_resource(text, "cluster_resources[].text", {kind});
    } catch (const Error& error) {
      refuse("cluster_resources[]", error.what());
    }
    manifest.cluster_resources.push_back(
        {std::move(kind), resource.text("name"), {}, std::move(text)});
  }
  // Absent in bundles made before the seal gate, which then refused every problem.
  if (top.has("waivers")) {
    manifest.waivers = read_waivers(top.array("waivers"));
  }
}

void write_boot_images(const Manifest& manifest, Json& document) {
  if (manifest.boot_images.empty()) {
    return;
  }
  Json& list = document["boot_images"] = Json::array();
  for (const model::BootImage& image : manifest.boot_images) {
    list.push_back({{"file", image.file},
                    {"kind", model::boot_image_kind_name(image.kind)},
                    {"version", image.version},
                    {"openshift_version", image.openshift_version},
                    {"architecture", image.architecture}});
  }
}

void read_boot_images(const Reader& top, Manifest& manifest) {
  std::set<std::string> named;
  if (top.has("boot_images")) {
    for (const Json& item : top.array("boot_images")) {
      const Reader image(
          item, "boot_images[]", {"file", "kind", "version", "openshift_version", "architecture"});
      const std::string file = image.text("file");
      // what the name says is what the signer must have said: one source of truth, checked
      const std::optional<model::BootImage> parsed = model::parse_boot_image_name(file);
      if (!parsed || model::boot_image_kind_name(parsed->kind) != image.text("kind")
          || parsed->version != image.text("version")
          || parsed->openshift_version != image.text("openshift_version")
          || parsed->architecture != image.text("architecture")) {
        refuse("boot_images[]", str_cat(util::printable(file), ": not what its name says"));
      }
      if (!named.insert(str_cat(k_boot_tree, file)).second) {
        refuse("boot_images[]", str_cat(file, ": named twice"));
      }
      manifest.boot_images.push_back(*parsed);
    }
  }
  std::size_t carried = 0;
  for (const Entry& entry : manifest.entries) {
    if (entry.path.starts_with(k_boot_tree)) {
      if (!named.contains(entry.path)) {
        refuse("entries",
               str_cat(util::printable(entry.path), ": a boot/ entry no boot image names"));
      }
      ++carried;
    }
  }
  if (carried != named.size()) {
    refuse("boot_images[]", "names a file the entries do not carry");
  }
}

} // namespace zbundle::bundle::manifest_json
