#pragma once

// Image content sources before the air gap: a mirror-to-disk run carries no mirror sets
// (oc-mirror-formats.md 0), so they are derived from what the run mirrored, with oc-mirror's
// disk-to-mirror rules (oc-mirror-formats.md 1.3, 2.3): release images go to the fixed repositories
// openshift/release-images and openshift/release, everything else to the mirror plus its
// source path; catalog and graph images are left out; scope and digest/tag kinds as
// ics::add_mirrored_image decides.

#include "core/ics/content_sources.hpp"
#include "core/ics/mirror_name.hpp"
#include "core/ics/mirror_scope.hpp"
#include "core/ocmirror/mirror_content.hpp"

#include <optional>
#include <string>
#include <vector>

namespace zbundle::ocmirror {

struct DerivedSources {
  ics::ImageContentSources sources;
  std::vector<std::string> unmapped; // images that could not be mapped, and why
  std::vector<std::string> notes;    // mapped, but not as written: worth a warning
};

// Where oc-mirror pushes `image` (parsed as `source`), below the mirror registry and its
// namespace: the fixed release repositories, an ISC's target repository, else the source
// path; found there by the target tag, else the source's digest or tag.
struct MirroredLocation {
  std::string repository;
  std::string tag;    // empty when found by digest
  std::string digest; // empty when found by tag
  // "<repository>:<tag>" or "<repository>@<digest>"
  [[nodiscard]] std::string reference() const;
};
[[nodiscard]] MirroredLocation mirrored_location(const model::CollectedImage& image,
                                                 const ics::ImageRef& source);

// The manifest digest `location` finds in `repository` (its tag's, or its own digest when the
// repository holds that manifest), or empty. Any repository record will do that has `tags`, a
// map of tag to digest, and `manifests`, a set of digests: the reference graph's, the model's.
template <class Repository>
[[nodiscard]] std::string find_manifest(const Repository& repository,
                                        const MirroredLocation& location) {
  if (!location.digest.empty()) {
    return repository.manifests.contains(location.digest) ? location.digest : std::string();
  }
  const auto tag = repository.tags.find(location.tag);
  return tag == repository.tags.end() ? std::string() : tag->second;
}

// Derives the image content sources of `content.collected_images` for the registry `mirror`.
// Throws Error{input} for a collected reference that does not parse.
[[nodiscard]] DerivedSources derive_content_sources(const MirrorContent& content,
                                                    const ics::MirrorName& mirror,
                                                    ics::ScopeRule scope);

enum class SourcesOrigin {
  mirror_sets, // oc-mirror's own IDMS/ITMS/ICSP or mapping files, which win
  derived,     // derived from the run
};

struct ResolvedSources {
  SourcesOrigin origin = SourcesOrigin::mirror_sets;
  DerivedSources result;
};

// The image content sources for `content`: oc-mirror's own when the input has them (moved to
// `mirror` when given), derived otherwise.
// Throws Error{usage} when they must be derived and `mirror` is absent (on the connected host
// only the user knows the bastion's registry); Error{input} when there is nothing to derive
// from, naming the inputs.
[[nodiscard]] ResolvedSources resolve_content_sources(const MirrorContent& content,
                                                      const std::optional<ics::MirrorName>& mirror,
                                                      ics::ScopeRule scope);

// Every difference between oc-mirror's mirror sets and the derived ones, one line each:
// a (source, mirror) only on one side, or mirrored by other kinds. Empty when they agree.
[[nodiscard]] std::vector<std::string>
compare_content_sources(const ics::ImageContentSources& oc_mirror,
                        const ics::ImageContentSources& derived);

// Derives the sources of `content` and compares them with the mirror sets oc-mirror wrote in
// the same input (compare_content_sources). The mirror is `mirror`, or else the one registry
// oc-mirror's mirror sets name; derived under --max-nested-paths `max_nested_paths` (0: none),
// as the run that wrote them was. Throws Error{usage} when the input lacks either side or the
// mirror cannot be told.
[[nodiscard]] std::vector<std::string>
check_derivation(const MirrorContent& content,
                 const std::optional<ics::MirrorName>& mirror,
                 unsigned max_nested_paths);

} // namespace zbundle::ocmirror
