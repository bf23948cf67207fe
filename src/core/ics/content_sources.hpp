#pragma once

// The image content sources model: for each source repository (or namespace), its mirrors
// in order, and for each (source, mirror) whether it is mirrored by digest, by tag or both.
// ICSP and IDMS entries are digest mirrors, ITMS entries tag mirrors (oc-mirror-formats.md 2.3, 4).
// Sources are kept sorted and merged, mirrors de-duplicated in first-seen order, so every
// rendering is deterministic.

#include "core/ics/mirror_name.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace zbundle::ics {

enum class MirrorKind { digest, tag };

// IDMS/ITMS `mirrorSourcePolicy`; unset when the input did not say.
enum class SourcePolicy { unset, allow_contacting_source, never_contact_source };

struct Mirror {
  std::string location;
  bool by_digest = false;
  bool by_tag = false;

  friend bool operator==(const Mirror&, const Mirror&) = default;
};

struct ContentSource {
  std::string source;
  std::vector<Mirror> mirrors;
  SourcePolicy policy = SourcePolicy::unset;

  [[nodiscard]] bool has_digest_mirror() const noexcept;
  [[nodiscard]] bool has_tag_mirror() const noexcept;
  friend bool operator==(const ContentSource&, const ContentSource&) = default;
};

class ImageContentSources {
public:
  // Records that `source` is mirrored at `mirror` for pulls of `kind`. Throws Error{input}
  // naming the one that is not HOST[:PORT][/PATH] (a source may also be "*.DOMAIN").
  void add(std::string_view source, std::string_view mirror, MirrorKind kind);
  // Records the source policy; never_contact_source wins over allow_contacting_source.
  void set_policy(std::string_view source, SourcePolicy policy);
  // Adds every entry of `other`.
  void merge(const ImageContentSources& other);

  [[nodiscard]] const std::vector<ContentSource>& sources() const noexcept { return m_sources; }
  [[nodiscard]] bool empty() const noexcept { return m_sources.empty(); }
  // Only the sources and mirrors that are mirrored for `kind`.
  [[nodiscard]] ImageContentSources only(MirrorKind kind) const;
  // Every mirror location replaced by `move(location)`, kinds and policies kept.
  [[nodiscard]] ImageContentSources
  with_locations(const std::function<std::string(std::string_view)>& move) const;
  // Every mirror moved to the registry `mirror`, the path below the registry kept.
  [[nodiscard]] ImageContentSources with_mirror(const MirrorName& mirror) const;
  // Every mirror's path limited as oc-mirror's --max-nested-paths does (limit_nested_paths).
  [[nodiscard]] ImageContentSources with_nested_path_limit(unsigned max_nested_paths) const;

  friend bool operator==(const ImageContentSources&, const ImageContentSources&) = default;

private:
  ContentSource& find_or_insert(std::string_view source);
  std::vector<ContentSource> m_sources; // sorted by source
};

} // namespace zbundle::ics
