#pragma once

// Decompresses a bundle's zstd frames for the tar reader while keeping the facts rules R1 and
// R10 need: where each frame starts (in the files and in the decompressed stream), a window
// cap, and a cap on how much each frame may expand to, so a forged header cannot make the
// reader buffer unbounded data.

#include "core/bundle/volume_reader.hpp"
#include "core/util/handles.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <span>
#include <vector>

namespace zbundle::bundle {

struct FrameStart {
  FramePosition position;     // in the files
  std::uint64_t decompressed; // offset in the tar stream
};

class FrameDecoder {
public:
  explicit FrameDecoder(VolumeReader& source);

  // The most frame `number` (0-based) may decompress to; frames beyond the known ones get
  // `fallback`. Set before the frames are reached.
  void set_frame_limit(std::function<std::uint64_t(std::size_t number)> limit);
  // Ends the stream after `count` frames, for reading one member by itself.
  void stop_after(std::size_t count) { m_frame_stop = count; }

  // Decompressed bytes; empty at the end of the stream. Throws Error{check} naming the bundle
  // for corrupt or truncated data, an oversized window or an oversized frame.
  [[nodiscard]] std::span<const std::byte> next();

  // The first recorded frame start not yet taken; nullopt when none is left.
  [[nodiscard]] std::optional<FrameStart> peek_frame() const;
  void pop_frame();
  [[nodiscard]] std::uint64_t decompressed_total() const noexcept { return m_total; }
  [[nodiscard]] bool ended_cleanly() const noexcept { return m_frame_complete; }

private:
  VolumeReader& m_source;
  util::ZstdDecompressor m_context;
  std::vector<char> m_input;
  std::vector<std::byte> m_output;
  std::size_t m_input_size = 0;
  std::size_t m_input_used = 0;
  FramePosition m_input_start;
  bool m_frame_complete = true; // between frames
  std::size_t m_frame_number = 0;
  std::optional<std::size_t> m_frame_stop;
  std::uint64_t m_frame_bytes = 0;
  std::uint64_t m_total = 0;
  std::deque<FrameStart> m_frames;
  std::function<std::uint64_t(std::size_t)> m_limit;
};

} // namespace zbundle::bundle
