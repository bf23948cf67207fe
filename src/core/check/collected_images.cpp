#include "core/check/collected_images.hpp"

#include "core/ics/image_ref.hpp"

#include <algorithm>

namespace zbundle::check {

std::vector<ImageStatus> locate_images(const std::vector<model::CollectedImage>& images,
                                       const StorageLookup& lookup) {
  std::vector<ImageStatus> statuses;
  for (const model::CollectedImage& image : images) {
    const ics::ImageRef source = ics::parse_image_ref(image.source);
    if (source.registry.empty() || (source.digest.empty() && source.tag.empty())) {
      continue;
    }
    const ocmirror::MirroredLocation location = ocmirror::mirrored_location(image, source);
    ImageStatus& status = statuses.emplace_back();
    status.category = model::category_name(image.category);
    status.source = image.source;
    status.location = location.reference();
    status.digest = lookup(location);
    status.is_present = !status.digest.empty();
  }
  return statuses;
}

CollectedImagesReport check_collected_images(const std::vector<model::CollectedImage>& images,
                                             const StorageLookup& lookup) {
  CollectedImagesReport report;
  for (const ImageStatus& status : locate_images(images, lookup)) {
    if (status.is_present) {
      ++report.found;
    } else {
      report.missing.emplace_back(
          model::ProblemKind::missing_image, status.source, status.location, "not in the mirror");
    }
  }
  return report;
}

StorageLookup lookup_in_records(const std::vector<model::RepositoryRecord>& records) {
  return [&records](const ocmirror::MirroredLocation& location) {
    const auto found = std::lower_bound(records.begin(),
                                        records.end(),
                                        location.repository,
                                        [](const model::RepositoryRecord& record,
                                           const std::string& name) { return record.name < name; });
    return found != records.end() && found->name == location.repository
               ? ocmirror::find_manifest(*found, location)
               : std::string();
  };
}

} // namespace zbundle::check
