#pragma once

// Where a bundle's compressed bytes go (bundle-schema/README.md section 6): one file, or data
// volumes of at most a given size cut at frame boundaries. Files are written as temporaries
// next to their targets and renamed only by commit(), so an aborted run publishes nothing.

#include "core/bundle/manifest.hpp"
#include "core/util/atomic_file.hpp"
#include "core/util/background_writer.hpp"
#include "core/util/sha256.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace zbundle::bundle {

struct FramePosition {
  std::uint32_t volume = 0; // 0 for a single file, else the 1-based volume number
  std::uint64_t offset = 0;
};

class VolumeWriter {
public:
  // One file `target`.
  explicit VolumeWriter(std::filesystem::path target);
  // Volumes `target`.NNN from `first_volume` on, each at most `volume_size` bytes.
  VolumeWriter(std::filesystem::path target, std::uint32_t first_volume, std::uint64_t volume_size);

  // Called before each frame, with an upper bound of its compressed size: starts the next
  // volume when the frame would not fit into the current one (a frame larger than a volume
  // gets one of its own). Returns where the frame starts.
  FramePosition start_frame(std::uint64_t frame_bound);
  void write(std::span<const std::byte> bytes);
  // The data volumes written, with sizes and SHA-256 (empty for a single file).
  [[nodiscard]] std::vector<Volume> finish();
  // Renames every file into place. Throws Error{io}.
  void commit();

private:
  void open_volume();
  void close_volume();
  void write_now(std::span<const std::byte> bytes); // on the writer thread

  std::filesystem::path m_target;
  std::uint64_t m_volume_size = 0; // 0: a single file
  std::uint32_t m_volume_number = 0;
  std::uint64_t m_offset = 0;
  std::optional<util::Sha256> m_hasher;
  std::unique_ptr<util::AtomicFile> m_file;
  std::vector<std::unique_ptr<util::AtomicFile>> m_closed;
  std::vector<Volume> m_volumes;
  // last: its thread writes into m_file and m_hasher, and stops before they go away. Writes of
  // 4 MiB: this VM's disk takes O_DIRECT writes of 4 MiB at 1.6 GB/s, of 1 MiB at 1.2.
  util::BackgroundWriter m_writer{
      [this](std::span<const std::byte> bytes) { write_now(bytes); }, std::size_t{4} << 20, 3};
};

// "B.001" for `target` B and volume 1.
[[nodiscard]] std::filesystem::path volume_path(const std::filesystem::path& target,
                                                std::uint32_t volume);

} // namespace zbundle::bundle
