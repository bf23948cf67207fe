#pragma once

// The stored zstd frame (bundle-schema/README.md section 1), written by TarFrameWriter and read
// without zstd by FrameDecoder: the magic number, a frame header descriptor with no content
// size, no checksum and no dictionary, a window of 128 KiB (exponent 7: 2^(10+7)), which is
// also the largest block; then raw blocks only. Readers check each entry's SHA-256, not a frame
// checksum.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace zbundle::bundle {

// Every zstd frame starts with it (RFC 8878 3.1.1): 0xFD2FB528, little-endian.
inline constexpr std::string_view k_zstd_magic = "\x28\xb5\x2f\xfd";
inline constexpr std::array<std::uint8_t, 6> k_stored_frame_header{
    0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38};
static_assert(k_stored_frame_header[3] == static_cast<std::uint8_t>(k_zstd_magic[3]));
inline constexpr std::size_t k_raw_block_size = std::size_t{128} << 10;
inline constexpr std::size_t k_block_header_size = 3;

// A raw block's 3-byte little-endian header: last-block bit, type 0 (raw), size.
inline std::array<std::byte, k_block_header_size> raw_block_header(std::size_t size, bool is_last) {
  const auto value = static_cast<std::uint32_t>((size << 3) | (is_last ? 1U : 0U));
  return {std::byte(value & 0xffU), std::byte((value >> 8) & 0xffU), std::byte(value >> 16)};
}

struct BlockHeader {
  bool is_last = false;
  unsigned type = 0; // 0 raw, 1 RLE, 2 compressed, 3 reserved
  std::size_t size = 0;
};

inline BlockHeader parse_block_header(const std::array<std::uint8_t, k_block_header_size>& bytes) {
  const std::uint32_t value =
      bytes[0] | (std::uint32_t{bytes[1]} << 8) | (std::uint32_t{bytes[2]} << 16);
  return {(value & 1U) != 0, (value >> 1) & 3U, value >> 3};
}

} // namespace zbundle::bundle
