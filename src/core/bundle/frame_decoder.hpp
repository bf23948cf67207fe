#pragma once

// Decompresses a bundle's zstd frames for the tar reader while keeping the facts rules R1 and
// R10 need: where each frame starts (in the files and in the decompressed stream), a window
// cap, and a cap on how much each frame may expand to, so a forged header cannot make the
// reader buffer unbounded data. Stored frames (stored_frame.hpp) are read without zstd: their
// raw blocks are handed out where they lie in the input buffer, and can be skipped unread.

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
  bool is_stored = false;     // a stored frame: raw blocks only
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
  // Passes over up to `count` decompressed bytes without reading them, as far as the current
  // stored frame of a single-file bundle goes; returns how many (0 elsewhere: read instead).
  [[nodiscard]] std::uint64_t skip(std::uint64_t count);

  // The first recorded frame start not yet taken; nullopt when none is left.
  [[nodiscard]] std::optional<FrameStart> peek_frame() const;
  void pop_frame();
  [[nodiscard]] std::uint64_t decompressed_total() const noexcept { return m_total; }
  [[nodiscard]] bool ended_cleanly() const noexcept { return m_frame_complete; }

private:
  [[nodiscard]] bool fill_input(std::size_t wanted, std::size_t read_size);
  void begin_frame();
  void read_block_header(std::size_t read_size);
  [[nodiscard]] std::span<const std::byte> next_stored();
  [[nodiscard]] std::span<const std::byte> next_compressed();
  void add_output(std::uint64_t bytes);
  void end_frame();
  [[noreturn]] void fail_truncated() const;

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
  bool m_is_stored = false;     // the current frame is read without zstd
  std::size_t m_block_left = 0; // of the current raw block
  bool m_is_last_block = false;
  std::uint64_t m_total = 0;
  std::deque<FrameStart> m_frames;
  std::function<std::uint64_t(std::size_t)> m_limit;
};

} // namespace zbundle::bundle
