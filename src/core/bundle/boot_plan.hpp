#pragma once

// The boot/ tree of a bundle (create --boot-images DIR): every file of DIR an RHCOS boot image
// by its name (model/boot_image.hpp), carried as boot/<name>, hashed here since the manifest
// that lists it comes first. Nothing else may be in DIR: a file zbundle cannot name is
// refused, not skipped, so what the admin meant to carry is never silently left behind.

#include "core/bundle/payload_plan.hpp"
#include "core/model/boot_image.hpp"

#include <filesystem>
#include <vector>

namespace zbundle::bundle {

struct BootPlan {
  std::vector<PlannedEntry> entries;    // sorted by name
  std::vector<model::BootImage> images; // the same order
};

// Throws Error{input} naming the directory when it cannot be read, or the file that is not a
// regular file (symlinks included) or not named as RHCOS names its boot images.
[[nodiscard]] BootPlan plan_boot_images(const std::filesystem::path& directory);

} // namespace zbundle::bundle
