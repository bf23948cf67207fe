#include "core/bundle/tar_header.hpp"

#include "core/util/str_cat.hpp"

#include <algorithm>
#include <array>

namespace zbundle::bundle {
namespace {

using util::str_cat;

// Offsets and lengths of the ustar fields (POSIX.1-2001).
struct Field {
  std::size_t offset;
  std::size_t length;
};
constexpr Field k_name{0, 100};
constexpr Field k_mode{100, 8};
constexpr Field k_uid{108, 8};
constexpr Field k_gid{116, 8};
constexpr Field k_size{124, 12};
constexpr Field k_mtime{136, 12};
constexpr Field k_checksum{148, 8};
constexpr std::size_t k_typeflag = 156;
constexpr Field k_magic{257, 6};
constexpr Field k_version{263, 2};
constexpr std::string_view k_pax_name = "././@PaxHeader";

void put(std::string& block, Field field, std::string_view text) {
  std::copy_n(text.begin(),
              std::min(text.size(), field.length),
              block.begin() + static_cast<std::ptrdiff_t>(field.offset));
}

// `value` in octal, zero-filled to the field's length less one, then NUL.
void put_octal(std::string& block, Field field, std::uint64_t value) {
  std::string digits(field.length - 1, '0');
  for (std::size_t i = digits.size(); i > 0 && value > 0; --i, value >>= 3U) {
    digits[i - 1] = static_cast<char>('0' + (value & 7U));
  }
  put(block, field, digits);
}

std::string ustar_block(
    std::string_view name, std::uint64_t size, std::int64_t mtime, unsigned mode, char typeflag) {
  std::string block(k_tar_block, '\0');
  put(block, k_name, name);
  put_octal(block, k_mode, mode);
  put_octal(block, k_uid, 0);
  put_octal(block, k_gid, 0);
  put_octal(block, k_size, size);
  put_octal(block, k_mtime, static_cast<std::uint64_t>(std::max<std::int64_t>(mtime, 0)));
  block[k_typeflag] = typeflag;
  put(block, k_magic, std::string_view("ustar\0", 6));
  put(block, k_version, "00");
  std::fill_n(
      block.begin() + static_cast<std::ptrdiff_t>(k_checksum.offset), k_checksum.length, ' ');
  unsigned sum = 0;
  for (const char c : block) {
    sum += static_cast<unsigned char>(c);
  }
  std::string checksum(k_checksum.length, '\0');
  put_octal(checksum, {0, 7}, sum); // six digits, NUL, then the space already there
  checksum[7] = ' ';
  put(block, k_checksum, checksum);
  return block;
}

// "<length> <key>=<value>\n", the length counting itself.
std::string pax_record(std::string_view key, std::string_view value) {
  const std::size_t body = key.size() + value.size() + 3; // ' ', '=', '\n'
  std::size_t length = body + 1;
  while (std::to_string(length).size() + body != length) {
    ++length;
  }
  return str_cat(std::to_string(length), " ", key, "=", value, "\n");
}

} // namespace

std::string member_header(std::string_view path, std::uint64_t size, std::int64_t mtime) {
  const bool is_ascii = std::all_of(
      path.begin(), path.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  const bool fits = is_ascii && path.size() <= k_name.length;
  const bool size_fits = size <= k_ustar_max_size;
  if (fits && size_fits) {
    return ustar_block(path, size, mtime, 0644, '0');
  }
  std::string records;
  if (!fits) {
    records += pax_record("path", path);
  }
  if (!size_fits) {
    records += pax_record("size", std::to_string(size));
  }
  // The ustar name then: the path with each character outside ASCII as one '?' (the path is
  // UTF-8, rule R6), cut at 100 bytes.
  std::string name;
  for (const char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) {
      name += c;
    } else if ((byte & 0xc0U) != 0x80) { // a lead byte; continuation bytes go with it
      name += '?';
    }
  }
  name.resize(std::min(name.size(), k_name.length));
  std::string header = ustar_block(k_pax_name, records.size(), 0, 0, 'x');
  header += records;
  header.append(tar_padding(records.size()), '\0');
  header += ustar_block(name, size_fits ? size : 0, mtime, 0644, '0');
  return header;
}

} // namespace zbundle::bundle
