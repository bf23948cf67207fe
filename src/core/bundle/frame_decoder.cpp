#include "core/bundle/frame_decoder.hpp"

#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

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
    if (m_input_used == m_input_size) {
      m_input_size = m_source.read(m_input);
      m_input_used = 0;
      // one read never spans two volumes, so the chunk starts this far before the position
      const FramePosition after = m_source.position();
      m_input_start = {after.volume, after.offset - m_input_size};
      if (m_input_size == 0) {
        if (!m_frame_complete) {
          throw Error(ErrorKind::check,
                      str_cat(m_source.path().string(),
                              ": truncated: the stream ends inside frame ",
                              m_frame_number));
        }
        return {};
      }
    }
    if (m_frame_complete) {
      m_frames.push_back({{m_input_start.volume, m_input_start.offset + m_input_used}, m_total});
      m_frame_complete = false;
      m_frame_bytes = 0;
    }
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
    m_frame_bytes += output.pos;
    m_total += output.pos;
    if (m_limit && m_frame_bytes > m_limit(m_frame_number)) {
      throw Error(ErrorKind::check,
                  str_cat(m_source.path().string(),
                          ": frame ",
                          m_frame_number,
                          " expands beyond what its member may hold"));
    }
    if (result == 0) { // the frame is complete and flushed
      m_frame_complete = true;
      ++m_frame_number;
    }
    if (output.pos > 0) {
      return std::span(m_output.data(), output.pos);
    }
  }
}

} // namespace zbundle::bundle
