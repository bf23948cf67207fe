#include "core/bundle/tar_frame_writer.hpp"

#include "core/bundle/stored_frame.hpp"
#include "core/bundle/tar_header.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <algorithm>
#include <array>

namespace zbundle::bundle {
namespace {

using util::str_cat;

// Members this large are compressed by zstd's worker threads; smaller ones are not worth it.
constexpr std::uint64_t k_threaded_member_size = std::uint64_t{4} << 20;
constexpr int k_job_size = 1 << 20;
constexpr std::uint64_t k_tar_overhead = 4096; // headers and padding, generously

void check_zstd(std::size_t result, std::string_view what) {
  if (ZSTD_isError(result) != 0) {
    throw Error(ErrorKind::io, str_cat("bundle: zstd ", what, ": ", ZSTD_getErrorName(result)));
  }
}

} // namespace

TarFrameWriter::TarFrameWriter(VolumeWriter& out, std::int64_t mtime, unsigned threads)
    : m_out(out), m_mtime(mtime), m_compressor(ZSTD_createCCtx()),
      m_threaded_compressor(ZSTD_createCCtx()), m_output(ZSTD_CStreamOutSize()) {
  if (!m_compressor || !m_threaded_compressor) {
    throw Error(ErrorKind::io, "bundle: out of memory");
  }
  // Two contexts, so the worker threads are made once: switching one context between
  // threaded and not would tear its threads down and start them again for every member.
  // A libzstd built without threads (Debian's static one) has no workers: compress inline.
  const ZSTD_bounds workers = ZSTD_cParam_getBounds(ZSTD_c_nbWorkers);
  const int worker_count = ZSTD_isError(workers.error) != 0
                               ? 0
                               : std::min(static_cast<int>(threads), workers.upperBound);
  check_zstd(ZSTD_CCtx_setParameter(m_threaded_compressor.get(), ZSTD_c_nbWorkers, worker_count),
             "threads");
  if (worker_count > 0) { // small jobs keep memory bounded: a job buffers its input and its output
    check_zstd(ZSTD_CCtx_setParameter(m_threaded_compressor.get(), ZSTD_c_jobSize, k_job_size),
               "job size");
  }
}

TarFrameWriter::~TarFrameWriter() = default;

// The member's bytes into its frame, stored or compressed.
void TarFrameWriter::emit(std::span<const std::byte> bytes) {
  if (m_is_stored) {
    store(bytes, false);
  } else {
    compress(bytes, ZSTD_e_continue);
  }
}

FramePosition TarFrameWriter::begin_frame(std::uint64_t size, std::optional<int> level) {
  const std::size_t bounded = ZSTD_compressBound(static_cast<std::size_t>(size + k_tar_overhead));
  m_in_frame = true;
  m_is_stored = !level;
  if (m_is_stored) {
    const FramePosition position = m_out.start_frame(bounded);
    m_out.write(std::as_bytes(std::span(k_stored_frame_header)));
    m_block.clear();
    return position;
  }
  m_current = size >= k_threaded_member_size ? m_threaded_compressor.get() : m_compressor.get();
  check_zstd(ZSTD_CCtx_reset(m_current, ZSTD_reset_session_only), "reset");
  check_zstd(ZSTD_CCtx_setParameter(m_current, ZSTD_c_compressionLevel, *level), "level");
  check_zstd(ZSTD_CCtx_setParameter(m_current, ZSTD_c_checksumFlag, 1), "checksum");
  // No window is set: levels up to 19 choose at most 2^23, under rule R10's 2^24 cap.
  return m_out.start_frame(bounded);
}

// The header blocks are the ones the spec fixes for (path, size, mtime) (tar_header.hpp): the
// reader rebuilds and compares them, so nothing else may be written here.
FramePosition
TarFrameWriter::begin_member(std::string_view path, std::uint64_t size, std::optional<int> level) {
  const FramePosition position = begin_frame(size, level);
  const std::string header = member_header(path, size, m_mtime);
  emit(std::as_bytes(std::span(header.data(), header.size())));
  m_member_left = size;
  m_member_size = size;
  return position;
}

void TarFrameWriter::write(std::span<const std::byte> bytes) {
  if (bytes.size() > m_member_left) {
    throw Error(ErrorKind::io, "bundle: more bytes than the member's size");
  }
  emit(bytes);
  m_member_left -= bytes.size();
}

void TarFrameWriter::end_member() {
  if (m_member_left != 0) {
    throw Error(ErrorKind::io, str_cat("bundle: a member ended ", m_member_left, " bytes short"));
  }
  const std::array<std::byte, k_tar_block> zeros{};
  emit(std::span(zeros).first(static_cast<std::size_t>(tar_padding(m_member_size))));
  if (m_is_stored) {
    store({}, true);
  } else {
    compress({}, ZSTD_e_end);
  }
  m_in_frame = false;
}

void TarFrameWriter::finish(Trailer trailer) {
  if (trailer == Trailer::omit) {
    return; // a head volume: the stream goes on in the next file
  }
  (void)begin_frame(k_tar_overhead, 1);
  const std::array<std::byte, 2 * k_tar_block> end_of_archive{};
  compress(end_of_archive, ZSTD_e_end);
  m_in_frame = false;
}

// Raw blocks of 128 KiB; whole blocks of the input go out without a copy. The last block may
// be empty, as zstd's own empty frames end.
void TarFrameWriter::store(std::span<const std::byte> bytes, bool is_end) {
  const auto emit = [&](std::span<const std::byte> block, bool is_last) {
    const std::array<std::byte, 3> header = raw_block_header(block.size(), is_last);
    m_out.write(header);
    m_out.write(block);
  };
  if (!m_block.empty()) { // top up the block begun by earlier bytes
    const std::size_t taken = std::min(bytes.size(), k_raw_block_size - m_block.size());
    m_block.insert(
        m_block.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(taken));
    bytes = bytes.subspan(taken);
    if (m_block.size() == k_raw_block_size && (!bytes.empty() || !is_end)) {
      emit(m_block, false);
      m_block.clear();
    }
  }
  while (bytes.size() > k_raw_block_size || (bytes.size() == k_raw_block_size && !is_end)) {
    emit(bytes.first(k_raw_block_size), false);
    bytes = bytes.subspan(k_raw_block_size);
  }
  m_block.insert(m_block.end(), bytes.begin(), bytes.end());
  if (is_end) {
    emit(m_block, true);
    m_block.clear();
  }
}

void TarFrameWriter::compress(std::span<const std::byte> bytes, ZSTD_EndDirective directive) {
  if (!m_in_frame) {
    throw Error(ErrorKind::io, "bundle: tar bytes outside a frame");
  }
  ZSTD_inBuffer input{bytes.data(), bytes.size(), 0};
  while (true) {
    ZSTD_outBuffer output{m_output.data(), m_output.size(), 0};
    const std::size_t remaining = ZSTD_compressStream2(m_current, &output, &input, directive);
    check_zstd(remaining, "compress");
    m_out.write(std::span(m_output.data(), output.pos));
    const bool is_done = directive == ZSTD_e_end ? remaining == 0 : input.pos == input.size;
    if (is_done) {
      return;
    }
  }
}

} // namespace zbundle::bundle
