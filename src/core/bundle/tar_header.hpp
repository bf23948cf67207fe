#pragma once

// The header blocks of a bundle member, fixed byte for byte by (path, size, mtime)
// (bundle-schema/README.md section 1, "Member headers"). The writer writes exactly these and
// the reader rebuilds them from what it parsed and compares: a mode, an owner, a name, a pax
// record, a field's spelling or padding that the signature does not fix cannot get through.

#include <cstdint>
#include <string>
#include <string_view>

namespace zbundle::bundle {

inline constexpr std::size_t k_tar_block = 512;

// The largest size the ustar size field holds (11 octal digits); larger sizes go in a pax
// `size` record.
inline constexpr std::uint64_t k_ustar_max_size = 077777777777;

// The header blocks of a regular file member, as Python's tarfile writes them in its PAX
// format (an independent implementation the tests compare with): the ustar header alone when
// the path is ASCII of at most 100 bytes and the size fits 11 octal digits; else first a pax
// `x` header (name "././@PaxHeader", mode and time 0) with a `path` and/or `size` record, and
// the ustar header naming the path with each non-ASCII character as '?', cut at 100 bytes, size 0
// when it did not fit. Mode 0644, owner 0, no user or group names, never the prefix field.
[[nodiscard]] std::string
member_header(std::string_view path, std::uint64_t size, std::int64_t mtime);

// Zero bytes from the end of `size` bytes of data to the next block boundary.
[[nodiscard]] constexpr std::uint64_t tar_padding(std::uint64_t size) noexcept {
  return (k_tar_block - size % k_tar_block) % k_tar_block;
}

} // namespace zbundle::bundle
