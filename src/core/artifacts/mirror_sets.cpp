// The image content sources for hcp (the plain list --image-content-sources reads) and for
// the management cluster (IDMS, ITMS, and ICSP for clusters older than 4.13).

#include "core/artifacts/renderers.hpp"
#include "core/ics/render.hpp"

namespace zbundle::artifacts::detail {
namespace {

bool has_kind(const ics::ImageContentSources& sources, ics::MirrorKind kind) {
  for (const ics::ContentSource& entry : sources.sources()) {
    if (kind == ics::MirrorKind::digest ? entry.has_digest_mirror() : entry.has_tag_mirror()) {
      return true;
    }
  }
  return false;
}

} // namespace

void add_mirror_sets(const Context& context, Artifacts& out) {
  const ics::ImageContentSources& sources = context.sources;
  if (has_kind(sources, ics::MirrorKind::digest)) {
    out.push_back({"icsp.yaml", ics::render_ics(sources, ics::IcsFormat::hcp), FileMode::regular});
    out.push_back({"imagedigestmirrorset.yaml",
                   ics::render_ics(sources, ics::IcsFormat::idms),
                   FileMode::regular});
    out.push_back({"imagecontentsourcepolicy.yaml",
                   ics::render_ics(sources, ics::IcsFormat::icsp),
                   FileMode::regular});
  }
  if (has_kind(sources, ics::MirrorKind::tag)) {
    out.push_back({"imagetagmirrorset.yaml",
                   ics::render_ics(sources, ics::IcsFormat::itms),
                   FileMode::regular});
  }
}

} // namespace zbundle::artifacts::detail
