#pragma once

// RHCOS boot images an Agent install boots its s390x hosts from inside the air gap (oc-mirror
// does not carry them): the live ISO assisted-service serves, and the kernel, initramfs and
// rootfs a PXE, z/VM or LPAR boot loads. What each file is comes from its name, as Red Hat
// publishes them: rhcos-<version>-live.<arch>.iso, rhcos-<version>-live-kernel-<arch>,
// rhcos-<version>-live-initramfs.<arch>.img, rhcos-<version>-live-rootfs.<arch>.img, the
// version being RHCOS's (416.94.202406251923-0 for OpenShift 4.16).

#include <optional>
#include <string>
#include <string_view>

namespace zbundle::model {

enum class BootImageKind { iso, kernel, initramfs, rootfs };

struct BootImage {
  std::string file; // the file name; the bundle carries it as boot/<file>
  BootImageKind kind = BootImageKind::iso;
  std::string version;           // "416.94.202406251923-0"
  std::string openshift_version; // "4.16"
  std::string architecture;      // "s390x", "x86_64", "aarch64" or "ppc64le"
  friend bool operator==(const BootImage&, const BootImage&) = default;
};

// "iso", "kernel", "initramfs", "rootfs".
[[nodiscard]] std::string_view boot_image_kind_name(BootImageKind kind) noexcept;

// The boot image `file` names, or nullopt when the name is not one of the four shapes above
// (a version of digits and dots with a build number, an architecture OpenShift ships).
[[nodiscard]] std::optional<BootImage> parse_boot_image_name(std::string_view file);

} // namespace zbundle::model
