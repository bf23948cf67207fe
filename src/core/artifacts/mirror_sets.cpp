// The image content sources for hcp (the plain list --image-content-sources reads) and for
// the management cluster: IDMS and ITMS objects named zbundle-<category> (release, operator,
// generic), so a later bundle of one kind merges into its own objects and never over another
// kind's, and an ICSP for clusters older than 4.13.

#include "core/artifacts/renderers.hpp"
#include "core/ics/image_ref.hpp"
#include "core/ics/render.hpp"
#include "core/util/str_cat.hpp"

#include <algorithm>
#include <array>

namespace zbundle::artifacts::detail {
namespace {

using util::str_cat;

bool has_kind(const ics::ImageContentSources& sources, ics::MirrorKind kind) {
  for (const ics::ContentSource& entry : sources.sources()) {
    if (kind == ics::MirrorKind::digest ? entry.has_digest_mirror() : entry.has_tag_mirror()) {
      return true;
    }
  }
  return false;
}

constexpr std::array<std::string_view, 3> k_set_categories{"release", "operator", "generic"};

std::string_view set_category(model::ImageCategory category) {
  switch (category) {
  case model::ImageCategory::release:
  case model::ImageCategory::release_content:
  case model::ImageCategory::graph:
    return k_set_categories[0];
  case model::ImageCategory::operator_image:
  case model::ImageCategory::catalog:
    return k_set_categories[1];
  case model::ImageCategory::generic:
    break;
  }
  return k_set_categories[2];
}

// The mirror set a source belongs in: that of the images it covers, release before operator
// before generic when it covers several; generic when it covers none the model lists.
std::string_view category_of(const model::SignedModel& model, std::string_view source) {
  std::size_t best = k_set_categories.size() - 1;
  for (const model::CollectedImage& image : model.images) {
    const std::string repository = ics::parse_image_ref(image.source).location();
    if (repository == source || repository.starts_with(str_cat(source, "/"))) {
      const auto rank =
          std::find(k_set_categories.begin(), k_set_categories.end(), set_category(image.category));
      best = std::min(best, static_cast<std::size_t>(rank - k_set_categories.begin()));
    }
  }
  return k_set_categories[best];
}

ics::ImageContentSources sources_of(const Context& context, std::string_view category) {
  ics::ImageContentSources subset;
  for (const ics::ContentSource& entry : context.sources.sources()) {
    if (category_of(context.model, entry.source) != category) {
      continue;
    }
    for (const ics::Mirror& mirror : entry.mirrors) {
      if (mirror.by_digest) {
        subset.add(entry.source, mirror.location, ics::MirrorKind::digest);
      }
      if (mirror.by_tag) {
        subset.add(entry.source, mirror.location, ics::MirrorKind::tag);
      }
    }
    if (entry.policy != ics::SourcePolicy::unset) {
      subset.set_policy(entry.source, entry.policy);
    }
  }
  return subset;
}

// One document per category that has mirrors of `kind`.
std::string mirror_set_documents(const Context& context, ics::MirrorKind kind) {
  std::string documents;
  for (const std::string_view category : k_set_categories) {
    const ics::ImageContentSources subset = sources_of(context, category);
    if (has_kind(subset, kind)) {
      documents += ics::render_ics(subset,
                                   kind == ics::MirrorKind::digest ? ics::IcsFormat::idms
                                                                   : ics::IcsFormat::itms,
                                   str_cat("zbundle-", category));
    }
  }
  return documents;
}

} // namespace

void add_mirror_sets(const Context& context, Artifacts& out) {
  const ics::ImageContentSources& sources = context.sources;
  if (has_kind(sources, ics::MirrorKind::digest)) {
    out.push_back({"icsp.yaml", ics::render_ics(sources, ics::IcsFormat::hcp), FileMode::regular});
    out.push_back({"imagedigestmirrorset.yaml",
                   mirror_set_documents(context, ics::MirrorKind::digest),
                   FileMode::regular});
    out.push_back({"imagecontentsourcepolicy.yaml",
                   ics::render_ics(sources, ics::IcsFormat::icsp),
                   FileMode::regular});
  }
  if (has_kind(sources, ics::MirrorKind::tag)) {
    out.push_back({"imagetagmirrorset.yaml",
                   mirror_set_documents(context, ics::MirrorKind::tag),
                   FileMode::regular});
  }
}

} // namespace zbundle::artifacts::detail
