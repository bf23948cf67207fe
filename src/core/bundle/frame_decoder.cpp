#include "core/bundle/frame_decoder.hpp"

#include "core/bundle/stored_frame.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace zbundle::bundle {
namespace {

using util::str_cat;

constexpr int k_max_window_log = 24; // rule R10
constexpr std::size_t k_input_chunk = std::size_t{1} << 20;

} // namespace

FrameDecoder::FrameDecoder(VolumeReader& source)
    : m_source(source), m_context(ZSTD_createDCtx()), m_input(k_input_chunk),
      m_output(ZSTD_DStreamOutSize()) {
  if (!m_context
      || ZSTD_isError(
             ZSTD_DCtx_setParameter(m_context.get(), ZSTD_d_windowLogMax, k_max_window_log))
             != 0) {
    throw Error(ErrorKind::io, "bundle: cannot start zstd");
  }
}

void FrameDecoder::set_frame_limit(std::function<std::uint64_t(std::size_t)> limit) {
  m_limit = std::move(limit);
}

std::optional<FrameStart> FrameDecoder::peek_frame() const {
  if (m_frames.empty()) {
    return std::nullopt;
  }
  return m_frames.front();
}

void FrameDecoder::pop_frame() {
  if (!m_frames.empty()) {
    m_frames.pop_front();
  }
}

std::span<const std::byte> FrameDecoder::next() {
  while (true) {
    if (m_frame_complete && m_frame_stop && m_frame_number >= *m_frame_stop) {
      return {};
    }
    if (m_input_used == m_input_size && !fill_input(1, m_input.size())) {
      if (!m_frame_complete) {
        fail_truncated();
      }
      return {};
    }
    if (m_frame_complete) {
      begin_frame();
    }
    const std::span<const std::byte> bytes = m_is_stored ? next_stored() : next_compressed();
    if (!bytes.empty()) {
      return bytes;
    }
  }
}

std::uint64_t FrameDecoder::skip(std::uint64_t count) {
  std::uint64_t skipped = 0;
  while (skipped < count && m_is_stored && m_source.can_skip()) {
    if (m_block_left == 0) {
      read_block_header(k_block_header_size); // just the header: the block is not read
      if (m_block_left == 0) {
        if (m_is_last_block) {
          end_frame();
        }
        continue;
      }
    }
    const std::uint64_t taken = std::min<std::uint64_t>(m_block_left, count - skipped);
    const std::uint64_t buffered = std::min<std::uint64_t>(taken, m_input_size - m_input_used);
    m_input_used += buffered;
    // past the buffer's bytes, the rest is passed over in the file
    if (taken > buffered && m_source.skip(taken - buffered) != taken - buffered) {
      fail_truncated();
    }
    m_block_left -= taken;
    skipped += taken;
    add_output(taken);
    if (m_block_left == 0 && m_is_last_block) {
      end_frame();
    }
  }
  return skipped;
}

// At least `wanted` unread bytes in the input buffer, reading at most `read_size` at a time;
// false when the stream ends first. Unread bytes move to the front, so a header cut by the
// buffer's end is read whole.
bool FrameDecoder::fill_input(std::size_t wanted, std::size_t read_size) {
  while (m_input_size - m_input_used < wanted) {
    const std::size_t kept = m_input_size - m_input_used;
    std::memmove(m_input.data(), m_input.data() + m_input_used, kept);
    m_input_start.offset += m_input_used;
    m_input_size = kept;
    m_input_used = 0;
    const std::size_t got =
        m_source.read(std::span(m_input).subspan(kept, std::min(read_size, m_input.size() - kept)));
    if (got == 0) {
      return false;
    }
    // one read never spans two volumes, so the new bytes start this far before the position
    const FramePosition after = m_source.position();
    if (kept == 0) {
      m_input_start = {after.volume, after.offset - got};
    } else if (after.volume != m_input_start.volume) {
      throw Error(ErrorKind::check,
                  str_cat(m_source.path().string(),
                          ": frame ",
                          m_frame_number,
                          " is cut between two volumes inside a header"));
    }
    m_input_size += got;
  }
  return true;
}

// Notes where the frame starts and whether it is a stored frame, read here without zstd.
void FrameDecoder::begin_frame() {
  const FramePosition start{m_input_start.volume, m_input_start.offset + m_input_used};
  m_is_stored = fill_input(k_stored_frame_header.size(), m_input.size())
                && std::memcmp(m_input.data() + m_input_used,
                               k_stored_frame_header.data(),
                               k_stored_frame_header.size())
                       == 0;
  m_frames.push_back({start, m_total, m_is_stored});
  m_frame_complete = false;
  m_frame_bytes = 0;
  if (m_is_stored) {
    m_input_used += k_stored_frame_header.size();
    m_block_left = 0;
    m_is_last_block = false;
  }
}

void FrameDecoder::read_block_header(std::size_t read_size) {
  if (!fill_input(k_block_header_size, read_size)) {
    fail_truncated();
  }
  std::array<std::uint8_t, k_block_header_size> bytes{};
  std::memcpy(bytes.data(), m_input.data() + m_input_used, bytes.size());
  m_input_used += bytes.size();
  const BlockHeader header = parse_block_header(bytes);
  if (header.type != 0 || header.size > k_raw_block_size) {
    throw Error(ErrorKind::check,
                str_cat(m_source.path().string(),
                        ": frame ",
                        m_frame_number,
                        " is corrupt: a stored frame holds only raw blocks of at most 128 KiB"));
  }
  m_block_left = header.size;
  m_is_last_block = header.is_last;
}

// The current raw block's next bytes, where they lie in the input buffer.
std::span<const std::byte> FrameDecoder::next_stored() {
  if (m_block_left == 0) {
    read_block_header(m_input.size());
    if (m_block_left == 0 && m_is_last_block) {
      end_frame();
    }
    if (m_block_left == 0 || m_input_used == m_input_size) {
      return {};
    }
  }
  const std::size_t taken = std::min(m_block_left, m_input_size - m_input_used);
  const std::span<const std::byte> bytes =
      std::as_bytes(std::span(m_input).subspan(m_input_used, taken));
  m_input_used += taken;
  m_block_left -= taken;
  add_output(taken);
  if (m_block_left == 0 && m_is_last_block) {
    end_frame();
  }
  return bytes;
}

std::span<const std::byte> FrameDecoder::next_compressed() {
  ZSTD_inBuffer input{m_input.data(), m_input_size, m_input_used};
  ZSTD_outBuffer output{m_output.data(), m_output.size(), 0};
  const std::size_t result = ZSTD_decompressStream(m_context.get(), &output, &input);
  if (ZSTD_isError(result) != 0) {
    throw Error(ErrorKind::check,
                str_cat(m_source.path().string(),
                        ": frame ",
                        m_frame_number,
                        " is corrupt: ",
                        ZSTD_getErrorName(result)));
  }
  m_input_used = input.pos;
  add_output(output.pos);
  if (result == 0) { // the frame is complete and flushed
    end_frame();
  }
  return std::span(m_output.data(), output.pos);
}

void FrameDecoder::add_output(std::uint64_t bytes) {
  m_frame_bytes += bytes;
  m_total += bytes;
  if (m_limit && m_frame_bytes > m_limit(m_frame_number)) {
    throw Error(ErrorKind::check,
                str_cat(m_source.path().string(),
                        ": frame ",
                        m_frame_number,
                        " expands beyond what its member may hold"));
  }
}

void FrameDecoder::fail_truncated() const {
  throw Error(ErrorKind::check,
              str_cat(m_source.path().string(),
                      ": truncated: the stream ends inside frame ",
                      m_frame_number));
}

void FrameDecoder::end_frame() {
  m_frame_complete = true;
  m_is_stored = false;
  ++m_frame_number;
}

} // namespace zbundle::bundle
