#include "core/model/boot_image.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace zbundle::model {
namespace {

constexpr std::array<std::string_view, 4> k_architectures{"s390x", "x86_64", "aarch64", "ppc64le"};
constexpr std::size_t k_max_name = 255;

// How each kind spells the part after the version: prefix, then the architecture, then suffix.
struct Shape {
  BootImageKind kind;
  std::string_view before_arch;
  std::string_view after_arch;
};
constexpr std::array<Shape, 4> k_shapes{{
    {BootImageKind::iso, "-live.", ".iso"},
    {BootImageKind::kernel, "-live-kernel-", ""},
    {BootImageKind::initramfs, "-live-initramfs.", ".img"},
    {BootImageKind::rootfs, "-live-rootfs.", ".img"},
}};

bool is_digits(std::string_view text) {
  return !text.empty() && text.size() <= 20 && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

// "416.94.202406251923-0": dot-separated numbers (at least two), a dash, a build number.
bool is_rhcos_version(std::string_view version) {
  const std::size_t dash = version.rfind('-');
  if (dash == std::string_view::npos || !is_digits(version.substr(dash + 1))) {
    return false;
  }
  std::string_view numbers = version.substr(0, dash);
  std::size_t parts = 0;
  while (true) {
    const std::size_t dot = numbers.find('.');
    if (!is_digits(numbers.substr(0, dot))) {
      return false;
    }
    ++parts;
    if (dot == std::string_view::npos) {
      return parts >= 2;
    }
    numbers.remove_prefix(dot + 1);
  }
}

} // namespace

std::string_view boot_image_kind_name(BootImageKind kind) noexcept {
  switch (kind) {
  case BootImageKind::iso:
    return "iso";
  case BootImageKind::kernel:
    return "kernel";
  case BootImageKind::initramfs:
    return "initramfs";
  case BootImageKind::rootfs:
    return "rootfs";
  }
  return {};
}

std::optional<BootImage> parse_boot_image_name(std::string_view file) {
  constexpr std::string_view k_prefix = "rhcos-";
  if (file.size() > k_max_name || !file.starts_with(k_prefix)) {
    return std::nullopt;
  }
  for (const Shape& shape : k_shapes) {
    for (const std::string_view arch : k_architectures) {
      const std::string tail =
          std::string(shape.before_arch) + std::string(arch) + std::string(shape.after_arch);
      if (!file.ends_with(tail) || file.size() <= k_prefix.size() + tail.size()) {
        continue;
      }
      const std::string_view version =
          file.substr(k_prefix.size(), file.size() - k_prefix.size() - tail.size());
      // RHCOS 416.x is OpenShift 4.16: the major digit, then the minor
      const std::string_view first = version.substr(0, version.find('.'));
      if (!is_rhcos_version(version) || first.size() < 2 || first.front() == '0') {
        return std::nullopt;
      }
      return BootImage{std::string(file),
                       shape.kind,
                       std::string(version),
                       std::string(first.substr(0, 1)) + "." + std::string(first.substr(1)),
                       std::string(arch)};
    }
  }
  return std::nullopt;
}

} // namespace zbundle::model
