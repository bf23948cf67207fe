#include "core/bundle/boot_plan.hpp"

#include "core/bundle/entry_path.hpp"
#include "core/util/error.hpp"
#include "core/util/file_reader.hpp"
#include "core/util/sha256.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/untrusted_text.hpp"

#include <algorithm>
#include <array>

namespace zbundle::bundle {
namespace {

namespace fs = std::filesystem;
using util::str_cat;

PlannedEntry hashed_entry(const fs::path& file, std::string path) {
  util::FileReader reader(file);
  util::Sha256 hasher;
  std::uint64_t size = 0;
  std::array<char, std::size_t{256} * 1024> buffer{};
  for (std::size_t got = reader.read_some(buffer); got > 0; got = reader.read_some(buffer)) {
    hasher.update(std::as_bytes(std::span(buffer.data(), got)));
    size += got;
  }
  PlannedEntry planned;
  planned.entry = {std::move(path), size, util::Sha256Digest::from_digest(hasher.finish())};
  planned.source.disk_path = file.string();
  return planned;
}

} // namespace

BootPlan plan_boot_images(const fs::path& directory) {
  std::error_code error;
  fs::directory_iterator it(directory, error);
  if (error) {
    throw Error(ErrorKind::input, str_cat(directory.string(), ": cannot read: ", error.message()));
  }
  std::vector<fs::path> files;
  for (; it != fs::directory_iterator(); it.increment(error)) {
    if (error) {
      throw Error(ErrorKind::input,
                  str_cat(directory.string(), ": cannot read: ", error.message()));
    }
    files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  BootPlan plan;
  for (const fs::path& file : files) {
    const std::string name = file.filename().string();
    if (!fs::is_regular_file(fs::symlink_status(file))) {
      throw Error(
          ErrorKind::input,
          str_cat(util::printable(file.string()), ": not a regular file (boot images are files)"));
    }
    std::optional<model::BootImage> image = model::parse_boot_image_name(name);
    if (!image) {
      throw Error(ErrorKind::input,
                  str_cat(util::printable(file.string()),
                          ": not an RHCOS boot image name (rhcos-VERSION-live.ARCH.iso, "
                          "rhcos-VERSION-live-kernel-ARCH, rhcos-VERSION-live-initramfs.ARCH.img, "
                          "rhcos-VERSION-live-rootfs.ARCH.img)"));
    }
    plan.entries.push_back(hashed_entry(file, str_cat(k_boot_tree, name)));
    plan.images.push_back(std::move(*image));
  }
  if (plan.images.empty()) {
    throw Error(ErrorKind::input, str_cat(directory.string(), ": no boot image in it"));
  }
  return plan;
}

} // namespace zbundle::bundle
