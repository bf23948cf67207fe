#include "core/ocmirror/derive_sources.hpp"

#include "core/ics/image_ref.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <map>
#include <set>

namespace zbundle::ocmirror {
namespace {

using util::str_cat;

std::string_view kinds_name(const ics::Mirror& mirror) noexcept {
  if (mirror.by_digest && mirror.by_tag) {
    return "digest and tag";
  }
  return mirror.by_digest ? "digest" : "tag";
}

// (source, mirror location) -> mirror, for comparing two models entry by entry.
std::map<std::pair<std::string, std::string>, ics::Mirror>
index_mirrors(const ics::ImageContentSources& sources) {
  std::map<std::pair<std::string, std::string>, ics::Mirror> index;
  for (const ics::ContentSource& entry : sources.sources()) {
    for (const ics::Mirror& mirror : entry.mirrors) {
      index[{entry.source, mirror.location}] = mirror;
    }
  }
  return index;
}

std::string input_names(const MirrorContent& content) {
  std::string names;
  for (const InputSource& input : content.inputs) {
    names += str_cat(names.empty() ? "" : ", ", input.path.string());
  }
  return names;
}

// The one registry all mirrors of `sources` live on.
std::optional<ics::MirrorName> common_registry(const ics::ImageContentSources& sources) {
  std::set<std::string> registries;
  for (const ics::ContentSource& entry : sources.sources()) {
    for (const ics::Mirror& mirror : entry.mirrors) {
      registries.insert(mirror.location.substr(0, mirror.location.find('/')));
    }
  }
  if (registries.size() != 1) {
    return std::nullopt;
  }
  return ics::parse_mirror_name(*registries.begin());
}

// "docker.io/nginx[:tag|@digest]", with or without docker://: a name the runtime reads as
// docker.io/library/nginx.
bool is_docker_hub_single_name(std::string_view reference) {
  if (reference.starts_with("docker://")) {
    reference.remove_prefix(std::string_view("docker://").size());
  }
  if (!reference.starts_with("docker.io/")) {
    return false;
  }
  reference.remove_prefix(std::string_view("docker.io/").size());
  return reference.substr(0, reference.find_first_of(":@")).find('/') == std::string_view::npos;
}

} // namespace

std::string MirroredLocation::reference() const {
  return digest.empty() ? str_cat(repository, ":", tag) : str_cat(repository, "@", digest);
}

MirroredLocation mirrored_location(const model::CollectedImage& image,
                                   const ics::ImageRef& source) {
  MirroredLocation location;
  if (image.category == model::ImageCategory::release) {
    location.repository = ics::k_release_images_path;
  } else if (image.category == model::ImageCategory::release_content) {
    location.repository = ics::k_release_components_path;
  } else {
    location.repository =
        image.target.repository.empty() ? source.repository : image.target.repository;
  }
  if (!image.target.tag.empty()) {
    location.tag = image.target.tag;
  } else if (source.has_digest()) {
    location.digest = source.digest;
  } else {
    location.tag = source.tag;
  }
  return location;
}

DerivedSources derive_content_sources(const MirrorContent& content,
                                      const ics::MirrorName& mirror,
                                      ics::ScopeRule scope) {
  DerivedSources derived;
  derived.unmapped.assign(content.unmapped.begin(), content.unmapped.end());
  for (const model::CollectedImage& image : content.collected_images) {
    if (image.category == model::ImageCategory::catalog
        || image.category == model::ImageCategory::graph) {
      continue;
    }
    const ics::ImageRef source = ics::parse_image_ref(image.source);
    if (source.registry.empty()) {
      derived.unmapped.push_back(
          str_cat(image.source, ": not from a registry, so no mirror set can name it"));
      continue;
    }
    if (is_docker_hub_single_name(image.source)) {
      derived.notes.push_back(str_cat(image.source,
                                      ": mapped as docker.io/",
                                      source.repository,
                                      ", the name CRI-O and oc-mirror give it"));
    }
    const std::string path = mirrored_location(image, source).repository;
    ics::ImageRef destination;
    destination.registry = mirror.registry();
    destination.repository =
        mirror.name_space.empty() ? path : str_cat(mirror.name_space, "/", path);
    ics::add_mirrored_image(derived.sources, source, destination, image.rules, scope);
  }
  return derived;
}

ResolvedSources resolve_content_sources(const MirrorContent& content,
                                        const std::optional<ics::MirrorName>& mirror,
                                        ics::ScopeRule scope) {
  if (!content.image_content_sources.empty()) {
    ResolvedSources resolved{SourcesOrigin::mirror_sets, {}};
    resolved.result.sources =
        mirror ? content.image_content_sources.with_mirror(*mirror) : content.image_content_sources;
    return resolved;
  }
  if (content.collected_images.empty()) {
    throw Error(
        ErrorKind::input,
        str_cat(input_names(content),
                ": no image content source found: no mirror sets, mapping, ImageSetConfiguration "
                "or .metadata.json to derive them from"));
  }
  if (!mirror) {
    throw Error(ErrorKind::usage,
                str_cat(input_names(content),
                        ": image content sources derived from a mirror-to-disk run need --mirror "
                        "HOST[:PORT][/NAMESPACE], "
                        "the registry the images will be pushed to"));
  }
  return {SourcesOrigin::derived, derive_content_sources(content, *mirror, scope)};
}

std::vector<std::string> compare_content_sources(const ics::ImageContentSources& oc_mirror,
                                                 const ics::ImageContentSources& derived) {
  const auto expected = index_mirrors(oc_mirror);
  const auto actual = index_mirrors(derived);
  std::vector<std::string> differences;
  for (const auto& [key, mirror] : expected) {
    const auto found = actual.find(key);
    if (found == actual.end()) {
      differences.push_back(str_cat("only in oc-mirror's mirror sets: ",
                                    key.first,
                                    " -> ",
                                    key.second,
                                    " (",
                                    kinds_name(mirror),
                                    ")"));
    } else if (found->second.by_digest != mirror.by_digest
               || found->second.by_tag != mirror.by_tag) {
      differences.push_back(str_cat("mirrored by other kinds: ",
                                    key.first,
                                    " -> ",
                                    key.second,
                                    ": oc-mirror by ",
                                    kinds_name(mirror),
                                    ", derived by ",
                                    kinds_name(found->second)));
    }
  }
  for (const auto& [key, mirror] : actual) {
    if (!expected.contains(key)) {
      differences.push_back(
          str_cat("only derived: ", key.first, " -> ", key.second, " (", kinds_name(mirror), ")"));
    }
  }
  return differences;
}

std::vector<std::string> check_derivation(const MirrorContent& content,
                                          const std::optional<ics::MirrorName>& mirror,
                                          unsigned max_nested_paths) {
  if (content.image_content_sources.empty()) {
    throw Error(ErrorKind::usage,
                str_cat(input_names(content),
                        ": --check needs the mirror sets oc-mirror wrote (a disk-to-mirror or "
                        "mirror-to-mirror working-dir, or their files) among the inputs"));
  }
  if (content.collected_images.empty()) {
    throw Error(ErrorKind::usage,
                str_cat(input_names(content),
                        ": --check needs a mirror-to-disk run (archives or working-dir with "
                        "its records) among the inputs to derive from"));
  }
  const std::optional<ics::MirrorName> target =
      mirror ? mirror : common_registry(content.image_content_sources);
  if (!target) {
    throw Error(ErrorKind::usage,
                "--check: oc-mirror's mirror sets name several registries: give --mirror");
  }
  return compare_content_sources(
      content.image_content_sources,
      derive_content_sources(content, *target, ics::scope_rule(max_nested_paths))
          .sources.with_nested_path_limit(max_nested_paths));
}

} // namespace zbundle::ocmirror
