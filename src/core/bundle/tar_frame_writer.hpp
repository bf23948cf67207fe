#pragma once

// Writes tar members, each as one zstd frame (bundle-schema/README.md sections 1-2): the header
// blocks the spec fixes (tar_header.hpp), the data and the padding of each member reach the
// compressor between the start and the end of that member's frame.

#include "core/bundle/volume_writer.hpp"
#include "core/util/handles.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace zbundle::bundle {

enum class Trailer { write, omit };

class TarFrameWriter {
public:
  // `mtime`: the time every member carries; `threads`: zstd worker threads for large members.
  // The writer must outlive this object.
  TarFrameWriter(VolumeWriter& out, std::int64_t mtime, unsigned threads);
  TarFrameWriter(const TarFrameWriter&) = delete;
  TarFrameWriter& operator=(const TarFrameWriter&) = delete;
  ~TarFrameWriter();

  // Starts a member and its frame; `level` is the zstd level for this frame, or nullopt to
  // store it in raw blocks (already-compressed data: no compressor runs at all). Returns where
  // the frame starts. Throws Error{io}.
  FramePosition begin_member(std::string_view path, std::uint64_t size, std::optional<int> level);
  void write(std::span<const std::byte> bytes);
  void end_member();
  // Ends the archive: with Trailer::write, the end-of-archive blocks as a last frame; with
  // Trailer::omit nothing (a head volume continues in the next file).
  void finish(Trailer trailer);

private:
  void emit(std::span<const std::byte> bytes);
  void compress(std::span<const std::byte> bytes, ZSTD_EndDirective directive);
  void store(std::span<const std::byte> bytes, bool is_end);
  FramePosition begin_frame(std::uint64_t size, std::optional<int> level);

  VolumeWriter& m_out;
  std::int64_t m_mtime;
  util::ZstdCompressor m_compressor;
  util::ZstdCompressor m_threaded_compressor;
  ZSTD_CCtx* m_current = nullptr; // one of the two, for the frame being written
  std::vector<std::byte> m_output;
  std::vector<std::byte> m_block; // a stored frame's block being filled
  bool m_is_stored = false;       // the frame is raw blocks, not compressed
  bool m_in_frame = false;
  std::uint64_t m_member_size = 0;
  std::uint64_t m_member_left = 0; // data bytes the current member still expects
};

} // namespace zbundle::bundle
