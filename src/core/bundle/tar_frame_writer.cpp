#include "core/bundle/tar_frame_writer.hpp"

#include "core/bundle/stored_frame.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <archive.h>
#include <archive_entry.h>

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
      m_threaded_compressor(ZSTD_createCCtx()), m_entry(archive_entry_new()),
      m_output(ZSTD_CStreamOutSize()) {
  if (!m_compressor || !m_threaded_compressor || !m_entry) {
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
  open_writer(m_writer, Charset::locale);
}

// Unblocked: libarchive hands every byte over at once, so frames end exactly at members.
void TarFrameWriter::open_writer(util::ArchiveWriter& writer, Charset charset) {
  writer.reset(archive_write_new());
  if (!writer || archive_write_set_format_pax_restricted(writer.get()) != ARCHIVE_OK
      || (charset == Charset::binary
          && archive_write_set_format_option(writer.get(), "pax", "hdrcharset", "BINARY")
                 != ARCHIVE_OK)
      || archive_write_add_filter_none(writer.get()) != ARCHIVE_OK
      || archive_write_set_bytes_per_block(writer.get(), 0) != ARCHIVE_OK
      || archive_write_set_bytes_in_last_block(writer.get(), 1) != ARCHIVE_OK
      || archive_write_open2(
             writer.get(), this, nullptr, &TarFrameWriter::on_write, nullptr, nullptr)
             != ARCHIVE_OK) {
    throw Error(ErrorKind::io,
                str_cat("bundle: cannot start the tar writer: ",
                        writer ? archive_error_string(writer.get()) : "out of memory"));
  }
}

// Freeing a libarchive writer closes it, which writes the end-of-archive blocks through
// on_write(): that must happen while the buffers it writes into still exist, and, since a
// writer destroyed before finish() belongs to a run that failed (a full disk, say), write
// nothing.
TarFrameWriter::~TarFrameWriter() {
  m_discard = true;
  m_binary_writer.reset();
  m_writer.reset();
}

la_ssize_t
TarFrameWriter::on_write(archive* writer, void* self, const void* buffer, size_t length) {
  auto* tar = static_cast<TarFrameWriter*>(self);
  try {
    if (!tar->m_discard) {
      const std::span bytes(static_cast<const std::byte*>(buffer), length);
      if (tar->m_is_stored) {
        tar->store(bytes, false);
      } else {
        tar->compress(bytes, ZSTD_e_continue);
      }
    }
    return static_cast<la_ssize_t>(length);
  } catch (const Error& error) {
    archive_set_error(writer, EIO, "%s", error.what());
    return -1;
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

FramePosition
TarFrameWriter::begin_member(std::string_view path, std::uint64_t size, std::optional<int> level) {
  const FramePosition position = begin_frame(size, level);
  archive_entry_clear(m_entry.get());
  const std::string name(path);
  archive_entry_set_pathname(m_entry.get(), name.c_str());
  archive_entry_set_filetype(m_entry.get(), AE_IFREG);
  archive_entry_set_perm(m_entry.get(), 0644);
  archive_entry_set_size(m_entry.get(), static_cast<la_int64_t>(size));
  archive_entry_set_mtime(m_entry.get(), m_mtime, 0);
  archive_entry_set_uid(m_entry.get(), 0);
  archive_entry_set_gid(m_entry.get(), 0);
  // Non-ASCII names (UTF-8, as payload_path_problem demands) go through a second writer
  // that stores them as they are (pax hdrcharset BINARY): converting them through the locale
  // fails under C and in a static binary. ASCII names stay plain for every tar.
  const bool is_ascii = std::all_of(
      path.begin(), path.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (!is_ascii && !m_binary_writer) {
    open_writer(m_binary_writer, Charset::binary);
  }
  m_active = is_ascii ? m_writer.get() : m_binary_writer.get();
  if (archive_write_header(m_active, m_entry.get()) != ARCHIVE_OK) {
    throw Error(ErrorKind::io,
                str_cat(path, ": cannot write the tar header: ", archive_error_string(m_active)));
  }
  return position;
}

void TarFrameWriter::write(std::span<const std::byte> bytes) {
  while (!bytes.empty()) {
    const la_ssize_t written = archive_write_data(m_active, bytes.data(), bytes.size());
    if (written <= 0) {
      throw Error(ErrorKind::io, str_cat("bundle: cannot write: ", archive_error_string(m_active)));
    }
    bytes = bytes.subspan(static_cast<std::size_t>(written));
  }
}

void TarFrameWriter::end_member() {
  if (archive_write_finish_entry(m_active) != ARCHIVE_OK) {
    throw Error(ErrorKind::io,
                str_cat("bundle: cannot finish a member: ", archive_error_string(m_active)));
  }
  if (m_is_stored) {
    store({}, true);
  } else {
    compress({}, ZSTD_e_end);
  }
  m_in_frame = false;
}

void TarFrameWriter::finish(Trailer trailer) {
  if (m_binary_writer) { // its end-of-archive blocks are swallowed: the stream has one end
    m_discard = true;
    if (archive_write_close(m_binary_writer.get()) != ARCHIVE_OK) {
      throw Error(
          ErrorKind::io,
          str_cat("bundle: cannot end the archive: ", archive_error_string(m_binary_writer.get())));
    }
    m_discard = false;
  }
  if (trailer == Trailer::write) {
    (void)begin_frame(k_tar_overhead, 1);
  } else {
    m_discard = true;
  }
  if (archive_write_close(m_writer.get()) != ARCHIVE_OK) {
    throw Error(ErrorKind::io,
                str_cat("bundle: cannot end the archive: ", archive_error_string(m_writer.get())));
  }
  if (trailer == Trailer::write) {
    compress({}, ZSTD_e_end);
    m_in_frame = false;
  }
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
