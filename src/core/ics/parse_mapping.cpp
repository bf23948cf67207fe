#include "core/ics/parse_mapping.hpp"

#include "core/ics/image_ref.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

namespace zbundle::ics {
namespace {

using util::str_cat;

std::string_view trim(std::string_view text) noexcept {
  const std::size_t first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) {
    return {};
  }
  const std::size_t last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

bool ends_with_path(std::string_view path, std::string_view suffix) noexcept {
  return path == suffix
         || (path.size() > suffix.size() && path.ends_with(suffix)
             && path[path.size() - suffix.size() - 1] == '/');
}

// The (source, mirror) pair a mapping line stands for, per oc-mirror v2's scope rule.
std::pair<std::string, std::string> scoped_pair(const ImageRef& source,
                                                const ImageRef& destination) {
  if (ends_with_path(destination.repository, source.repository)) {
    const std::string_view source_parent = parent_path(source.repository);
    const std::string_view destination_parent = parent_path(destination.repository);
    std::string scoped_source =
        source_parent.empty() ? source.registry : str_cat(source.registry, "/", source_parent);
    std::string scoped_mirror = destination_parent.empty()
                                    ? destination.registry
                                    : str_cat(destination.registry, "/", destination_parent);
    return {std::move(scoped_source), std::move(scoped_mirror)};
  }
  return {source.location(), destination.location()};
}

} // namespace

ImageContentSources parse_mapping(std::string_view text,
                                  std::string_view subject,
                                  MappingRules rules,
                                  const std::set<std::string>& excluded) {
  ImageContentSources sources;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const std::size_t newline = text.find('\n');
    const std::string_view line = trim(text.substr(0, newline));
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    if (line.empty()) {
      continue;
    }
    const std::size_t equals = line.find('=');
    if (equals == std::string_view::npos || line.find('=', equals + 1) != std::string_view::npos) {
      throw Error(
          ErrorKind::input,
          str_cat(subject, ":", line_number, ": not a mapping line: expected SOURCE=DESTINATION"));
    }
    ImageRef source;
    ImageRef destination;
    try {
      source = parse_image_ref(trim(line.substr(0, equals)));
      destination = parse_image_ref(trim(line.substr(equals + 1)));
    } catch (const Error& error) {
      throw Error(ErrorKind::input, str_cat(subject, ":", line_number, ": ", error.what()));
    }
    if (destination.registry.empty() || source.registry.empty()) {
      throw Error(
          ErrorKind::input,
          str_cat(subject, ":", line_number, ": ", line, ": both sides must name a registry"));
    }
    if (excluded.contains(source.location()) || excluded.contains(destination.location())) {
      continue;
    }
    const auto [scoped_source, scoped_mirror] = scoped_pair(source, destination);
    const bool is_release_image = source.location() == k_release_image_repository;
    if (rules == MappingRules::oc_mirror_v1) {
      if (source.has_digest()) {
        sources.add(scoped_source, scoped_mirror, MirrorKind::digest);
      }
      continue;
    }
    if (source.has_digest() || is_release_image) {
      sources.add(scoped_source, scoped_mirror, MirrorKind::digest);
    }
    if (!source.tag.empty() || !source.has_digest() || is_release_image) {
      sources.add(scoped_source, scoped_mirror, MirrorKind::tag);
    }
  }
  return sources;
}

} // namespace zbundle::ics
