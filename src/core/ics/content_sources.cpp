#include "core/ics/content_sources.hpp"

#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <algorithm>

namespace zbundle::ics {
namespace {

// Every source and mirror is a location in the mirror name's grammar, HOST[:PORT][/PATH]
// (a source may start with "*." for a whole domain, as IDMS allows), so it can go into a
// registries.conf, an ICSP or a command line as it is.
void check_location(std::string_view location, std::string_view role, bool may_be_wildcard) {
  std::string_view name = location;
  if (may_be_wildcard && name.starts_with("*.")) {
    name.remove_prefix(2);
  }
  try {
    (void)parse_mirror_name(name);
  } catch (const Error& error) {
    // parse_mirror_name's message names the location (quoted) and says what is wrong
    throw Error(ErrorKind::input, util::str_cat("image content ", role, ": ", error.what()));
  }
}

} // namespace

bool ContentSource::has_digest_mirror() const noexcept {
  return std::any_of(mirrors.begin(), mirrors.end(), [](const Mirror& m) { return m.by_digest; });
}

bool ContentSource::has_tag_mirror() const noexcept {
  return std::any_of(mirrors.begin(), mirrors.end(), [](const Mirror& m) { return m.by_tag; });
}

ContentSource& ImageContentSources::find_or_insert(std::string_view source) {
  check_location(source, "source", true);
  const auto position = std::lower_bound(
      m_sources.begin(),
      m_sources.end(),
      source,
      [](const ContentSource& entry, std::string_view key) { return entry.source < key; });
  if (position != m_sources.end() && position->source == source) {
    return *position;
  }
  return *m_sources.insert(position, ContentSource{std::string(source), {}, SourcePolicy::unset});
}

void ImageContentSources::add(std::string_view source, std::string_view mirror, MirrorKind kind) {
  check_location(mirror, "mirror", false);
  ContentSource& entry = find_or_insert(source);
  auto found = std::find_if(entry.mirrors.begin(), entry.mirrors.end(), [&](const Mirror& m) {
    return m.location == mirror;
  });
  if (found == entry.mirrors.end()) {
    entry.mirrors.push_back(Mirror{std::string(mirror), false, false});
    found = std::prev(entry.mirrors.end());
  }
  (kind == MirrorKind::digest ? found->by_digest : found->by_tag) = true;
}

void ImageContentSources::set_policy(std::string_view source, SourcePolicy policy) {
  ContentSource& entry = find_or_insert(source);
  if (entry.policy != SourcePolicy::never_contact_source) {
    entry.policy = policy;
  }
}

void ImageContentSources::merge(const ImageContentSources& other) {
  for (const ContentSource& entry : other.m_sources) {
    for (const Mirror& mirror : entry.mirrors) {
      if (mirror.by_digest) {
        add(entry.source, mirror.location, MirrorKind::digest);
      }
      if (mirror.by_tag) {
        add(entry.source, mirror.location, MirrorKind::tag);
      }
    }
    if (entry.policy != SourcePolicy::unset) {
      set_policy(entry.source, entry.policy);
    }
  }
}

ImageContentSources ImageContentSources::only(MirrorKind kind) const {
  ImageContentSources subset;
  for (const ContentSource& entry : m_sources) {
    for (const Mirror& mirror : entry.mirrors) {
      if (kind == MirrorKind::digest ? mirror.by_digest : mirror.by_tag) {
        subset.add(entry.source, mirror.location, kind);
      }
    }
    if (entry.policy != SourcePolicy::unset && !subset.empty()
        && subset.m_sources.back().source == entry.source) {
      subset.set_policy(entry.source, entry.policy);
    }
  }
  return subset;
}

ImageContentSources ImageContentSources::with_locations(
    const std::function<std::string(std::string_view)>& move) const {
  ImageContentSources moved;
  for (const ContentSource& entry : m_sources) {
    for (const Mirror& old : entry.mirrors) {
      const std::string location = move(old.location);
      if (old.by_digest) {
        moved.add(entry.source, location, MirrorKind::digest);
      }
      if (old.by_tag) {
        moved.add(entry.source, location, MirrorKind::tag);
      }
    }
    if (entry.policy != SourcePolicy::unset) {
      moved.set_policy(entry.source, entry.policy);
    }
  }
  return moved;
}

ImageContentSources ImageContentSources::with_mirror(const MirrorName& mirror) const {
  return with_locations(
      [&](std::string_view location) { return rewrite_mirror_location(location, mirror); });
}

ImageContentSources ImageContentSources::with_nested_path_limit(unsigned max_nested_paths) const {
  if (max_nested_paths == 0) {
    return *this;
  }
  return with_locations([&](std::string_view location) {
    return limit_reference_nested_paths(location, max_nested_paths);
  });
}

} // namespace zbundle::ics
