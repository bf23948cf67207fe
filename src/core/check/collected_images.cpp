#include "core/check/collected_images.hpp"

#include "core/ics/image_ref.hpp"

namespace zbundle::check {

CollectedImagesReport check_collected_images(const std::vector<model::CollectedImage>& images,
                                             const StorageLookup& lookup) {
  CollectedImagesReport report;
  for (const model::CollectedImage& image : images) {
    const ics::ImageRef source = ics::parse_image_ref(image.source);
    if (source.registry.empty() || (source.digest.empty() && source.tag.empty())) {
      continue;
    }
    const ocmirror::MirroredLocation location = ocmirror::mirrored_location(image, source);
    if (!lookup(location).empty()) {
      ++report.found;
    } else {
      report.missing.emplace_back(model::ProblemKind::missing_image,
                                  image.source,
                                  location.reference(),
                                  "not in the mirror");
    }
  }
  return report;
}

} // namespace zbundle::check
