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
    add_mirrored_image(sources, source, destination, rules, ScopeRule::namespace_when_paths_match);
  }
  return sources;
}

} // namespace zbundle::ics
