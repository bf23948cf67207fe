#pragma once

// Reads a bundle's files as one byte stream (bundle-schema/README.md section 6): a single file,
// or the head volume B.001 followed by B.002, B.003, ... Data volumes are checked against the
// manifest's list (rule R11): sizes as soon as the list is known, SHA-256 at each volume's end.

#include "core/bundle/manifest.hpp"
#include "core/bundle/volume_writer.hpp"
#include "core/util/file_reader.hpp"
#include "core/util/sha256.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <vector>

namespace zbundle::bundle {

// Whether `path`, or the head volume of the set it names, is a regular file that starts as a
// bundle does, with a zstd frame: how the CLIs tell a bundle from oc-mirror output. Never throws.
[[nodiscard]] bool is_bundle(const std::filesystem::path& path) noexcept;

class VolumeReader {
public:
  // `path` is a bundle file or a head volume (B.001); a missing B with a present B.001 means
  // the volume set. Throws Error{input} when neither exists.
  explicit VolumeReader(std::filesystem::path path);

  // The data volumes the verified manifest lists. Throws Error{check} naming the volume when
  // the one being read already differs in size, or when volumes appear without a head volume.
  void expect_volumes(const std::vector<Volume>& volumes);

  // The next bytes, all from one volume; 0 at the end of the last volume. Throws
  // Error{check} naming a volume that is missing, extra, or differs from the manifest.
  [[nodiscard]] std::size_t read(std::span<char> buffer);
  // Goes straight to `at` (a frame start from a verified pass) to read one member again.
  // Volume digests are not checked from there on: a partly read volume cannot be, and the
  // member's own SHA-256 covers its bytes. Throws Error{check} for a volume that is not there.
  void seek(FramePosition at);
  // Whether skip() may be used: a single file, whose bytes need no volume digest.
  [[nodiscard]] bool can_skip() const noexcept { return !m_is_volume_set; }
  // Goes up to `count` bytes further without reading them (single files only); returns how
  // far, less only at the end of the file.
  [[nodiscard]] std::uint64_t skip(std::uint64_t count);
  // Where the next byte read comes from.
  [[nodiscard]] FramePosition position() const noexcept { return {m_volume, m_offset}; }
  // The head volume or the single file, for messages.
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return m_first; }

private:
  void open(std::uint32_t volume);
  void finish_volume();
  void check_size(std::uint32_t volume, std::uint64_t size) const;

  std::filesystem::path m_first;
  std::filesystem::path m_base; // "B" of B.001
  bool m_is_volume_set = false;
  std::optional<std::vector<Volume>> m_expected;
  std::uint32_t m_volume = 0;
  std::uint64_t m_offset = 0;
  std::optional<util::FileReader> m_file;
  std::optional<util::Sha256> m_hasher;
  bool m_at_end = false;
  std::uint32_t m_first_absent = 0;
};

} // namespace zbundle::bundle
