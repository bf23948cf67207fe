#include "core/bundle/tar_stream.hpp"

#include "core/bundle/tar_header.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/untrusted_text.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <map>

namespace zbundle::bundle {
namespace {

using util::str_cat;

constexpr std::uint64_t k_extension_limit = std::uint64_t{64} << 10; // pax records of a member
constexpr int k_max_extension_headers = 4;
constexpr std::size_t k_typeflag = 156;
constexpr std::size_t k_checksum_offset = 148;
constexpr std::size_t k_checksum_length = 8;

bool is_zero(std::string_view block) {
  return std::all_of(block.begin(), block.end(), [](char c) { return c == '\0'; });
}

std::string_view field(std::string_view block, std::size_t offset, std::size_t length) {
  const std::string_view text = block.substr(offset, length);
  return text.substr(0, text.find('\0'));
}

// An octal field (leading spaces or zeros, digits, then NUL or space); nullopt otherwise, e.g.
// for GNU's base-256 form, which the format does not use.
std::optional<std::uint64_t> octal(std::string_view block, std::size_t offset, std::size_t length) {
  std::string_view text = block.substr(offset, length);
  const std::size_t end =
      text.find_first_of(std::string_view("\0 ", 2), text.find_first_not_of(' '));
  text = text.substr(0, end);
  text.remove_prefix(std::min(text.find_first_not_of(' '), text.size()));
  if (text.empty() || text.size() > 21) {
    return text.empty() ? std::optional<std::uint64_t>(0) : std::nullopt;
  }
  std::uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '7') {
      return std::nullopt;
    }
    value = value * 8 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

bool checksum_matches(std::string_view block) {
  const std::optional<std::uint64_t> stored = octal(block, k_checksum_offset, k_checksum_length);
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < block.size(); ++i) {
    const bool is_checksum = i >= k_checksum_offset && i < k_checksum_offset + k_checksum_length;
    sum += is_checksum ? ' ' : static_cast<unsigned char>(block[i]);
  }
  return stored && *stored == sum;
}

// A pax record's decimal number; nullopt for anything else or past 2^63.
std::optional<std::uint64_t> decimal_number(std::string_view text) {
  constexpr std::uint64_t k_limit = std::uint64_t{1} << 63U;
  if (text.empty() || text.size() > 19) {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value < k_limit ? std::optional(value) : std::nullopt;
}

// "<length> <key>=<value>\n" records; false when they do not parse.
bool parse_records(std::string_view data, std::map<std::string, std::string>& records) {
  while (!data.empty()) {
    const std::size_t space = data.find(' ');
    if (space == std::string_view::npos || space == 0 || space > 20) {
      return false;
    }
    std::size_t length = 0;
    for (const char c : data.substr(0, space)) {
      if (c < '0' || c > '9') {
        return false;
      }
      length = length * 10 + static_cast<std::size_t>(c - '0');
    }
    if (length <= space + 1 || length > data.size() || data[length - 1] != '\n') {
      return false;
    }
    const std::string_view record = data.substr(space + 1, length - space - 2);
    const std::size_t equals = record.find('=');
    if (equals == std::string_view::npos) {
      return false;
    }
    records[std::string(record.substr(0, equals))] = std::string(record.substr(equals + 1));
    data.remove_prefix(length);
  }
  return true;
}

// Why a pax record the format does not use is there.
std::string record_refusal(const std::string& key) {
  for (const std::string_view prefix :
       {"SCHILY.xattr.", "LIBARCHIVE.xattr.", "SCHILY.acl.", "GNU.sparse.", "RHT.security."}) {
    if (key.starts_with(prefix)) {
      return "carries extended attributes, ACLs or sparse data";
    }
  }
  return str_cat("carries a pax record the format does not allow: ", util::printable(key));
}

} // namespace

TarStream::TarStream(FrameDecoder& decoder, std::string subject)
    : m_decoder(decoder), m_subject(std::move(subject)) {}

bool TarStream::fill() {
  if (m_buffer.empty()) {
    m_buffer = m_decoder.next();
  }
  return !m_buffer.empty();
}

void TarStream::take(std::size_t count, std::string& out) {
  while (count > 0) {
    if (!fill()) {
      throw Error(ErrorKind::check, str_cat(m_subject, ": truncated inside a tar header"));
    }
    const std::size_t taken = std::min(count, m_buffer.size());
    out.append(reinterpret_cast<const char*>(m_buffer.data()), taken);
    m_buffer = m_buffer.subspan(taken);
    m_offset += taken;
    count -= taken;
  }
}

void TarStream::pass_over(std::uint64_t count, bool must_be_zero) {
  while (count > 0) {
    if (m_buffer.empty() && !must_be_zero) {
      const std::uint64_t skipped = m_decoder.skip(count); // a stored frame's data, unread
      m_offset += skipped;
      count -= skipped;
      if (count == 0) {
        return;
      }
    }
    if (!fill()) {
      throw Error(ErrorKind::check, str_cat(m_subject, ": truncated"));
    }
    const std::size_t taken =
        static_cast<std::size_t>(std::min<std::uint64_t>(count, m_buffer.size()));
    if (must_be_zero
        && std::any_of(m_buffer.begin(),
                       m_buffer.begin() + static_cast<std::ptrdiff_t>(taken),
                       [](std::byte b) { return b != std::byte{0}; })) {
      throw Error(ErrorKind::check,
                  str_cat(util::printable(m_path), ": the padding after its data is not zeros"));
    }
    m_buffer = m_buffer.subspan(taken);
    m_offset += taken;
    count -= taken;
  }
}

std::optional<TarMember> TarStream::next() {
  pass_over(m_data_left, false);
  m_data_left = 0;
  pass_over(std::exchange(m_padding_left, 0), true);
  if (!fill()) {
    return std::nullopt; // the stream ended: the caller says what was missing
  }
  const std::uint64_t start = m_offset;
  std::string block;
  take(k_tar_block, block);
  if (is_zero(block)) {
    std::string second;
    take(k_tar_block, second);
    if (!is_zero(second)) {
      throw Error(
          ErrorKind::check,
          str_cat(m_subject, ": a zero block at offset ", start, " not followed by another"));
    }
    return std::nullopt;
  }
  TarMember member = parse_header(std::move(block));
  member.header_offset = start;
  m_path = member.path;
  return member;
}

// The extension headers before a member's ustar header (pax `x`, and the kinds the format does
// not allow, read only to go on): their bytes go to `header.raw`, pax records to
// `header.records`. Returns the ustar block.
std::string TarStream::read_extensions(std::string block, Header& header, TarMember& member) {
  for (int count = 0;; ++count) {
    if (!checksum_matches(block)) {
      throw Error(
          ErrorKind::check,
          str_cat(m_subject, ": the tar header at offset ", header.start, " has a wrong checksum"));
    }
    header.raw += block;
    const char type = block[k_typeflag];
    if (type != 'x' && type != 'g' && type != 'L' && type != 'K') {
      return block;
    }
    const std::optional<std::uint64_t> size = octal(block, 124, 12);
    if (!size || *size > k_extension_limit || count == k_max_extension_headers) {
      throw Error(ErrorKind::check,
                  str_cat(m_subject,
                          ": the tar header at offset ",
                          header.start,
                          " has extension headers the format does not allow"));
    }
    std::string data;
    take(static_cast<std::size_t>(*size + tar_padding(*size)), data);
    header.raw += data;
    data.resize(static_cast<std::size_t>(*size));
    if (type == 'x' && !parse_records(data, header.records)) {
      member.refusal = "its pax header does not parse";
    } else if (type != 'x' && member.refusal.empty()) {
      member.refusal = type == 'g'
                           ? "carries a global pax header the format does not allow"
                           : "carries a GNU long name or link header the format does not allow";
      member.path = type == 'L' ? data.substr(0, data.find('\0')) : member.path;
    }
    block.clear();
    take(k_tar_block, block);
  }
}

TarMember TarStream::parse_header(std::string first_block) {
  TarMember member;
  Header header;
  header.start = m_offset - k_tar_block;
  const std::string block = read_extensions(std::move(first_block), header, member);
  const auto& records = header.records;
  const std::string_view prefix = field(block, 345, 155);
  const std::string_view name = field(block, 0, 100);
  if (const auto sparse = records.find("GNU.sparse.name"); sparse != records.end()) {
    member.path = sparse->second; // GNU tar's sparse files hide the name there
  } else if (const auto found = records.find("path"); found != records.end()) {
    member.path = found->second;
  } else if (member.path.empty()) {
    member.path = prefix.empty() ? std::string(name) : str_cat(prefix, "/", name);
  }
  const std::optional<std::uint64_t> size = octal(block, 124, 12);
  member.size = size.value_or(0);
  if (const auto found = records.find("size"); found != records.end()) {
    const std::optional<std::uint64_t> decimal = decimal_number(found->second);
    if (!decimal) {
      throw Error(
          ErrorKind::check,
          str_cat(m_subject, ": the tar header at offset ", header.start, " has a bad pax size"));
    }
    member.size = *decimal;
  }
  const std::optional<std::uint64_t> mtime = octal(block, 136, 12);
  member.mtime = static_cast<std::int64_t>(mtime.value_or(0));
  const char type = block[k_typeflag];
  m_data_left = type == '0' || type == '\0' || type == '7' ? member.size : 0;
  m_padding_left = tar_padding(m_data_left);
  if (member.refusal.empty()) {
    member.refusal = refusal_of(block, header, member, size && mtime);
  }
  return member;
}

// Why the member is not one the format allows, or empty: its type, its mode, its numbers, its
// pax records, then any other byte of its header blocks.
std::string TarStream::refusal_of(std::string_view block,
                                  const Header& header,
                                  const TarMember& member,
                                  bool are_numbers_octal) {
  const std::optional<std::uint64_t> mode = octal(block, 100, 8);
  if (block[k_typeflag] != '0') {
    return "not a regular file (symlink, hardlink, directory or device)";
  }
  if (!mode || (*mode & 07000) != 0) {
    return "carries setuid, setgid or sticky bits";
  }
  if (!are_numbers_octal) {
    return "a number in its tar header is not octal (base-256?)";
  }
  for (const auto& record : header.records) {
    if (record.first != "path" && record.first != "size") {
      return record_refusal(record.first);
    }
  }
  if (header.raw != member_header(member.path, member.size, member.mtime)) {
    return "its tar header is not the one the format fixes for its path, size and time (mode, "
           "owner, names or other fields differ)";
  }
  return {};
}

std::size_t TarStream::read(std::span<char> buffer) {
  std::size_t done = 0;
  while (done < buffer.size() && m_data_left > 0) {
    if (!fill()) {
      throw Error(ErrorKind::check, str_cat(m_subject, ": truncated"));
    }
    const std::size_t taken = static_cast<std::size_t>(
        std::min<std::uint64_t>({buffer.size() - done, m_buffer.size(), m_data_left}));
    std::memcpy(buffer.data() + done, m_buffer.data(), taken);
    m_buffer = m_buffer.subspan(taken);
    m_offset += taken;
    m_data_left -= taken;
    done += taken;
  }
  return done;
}

std::span<const std::byte> TarStream::read_block() {
  if (m_data_left == 0) {
    return {};
  }
  if (!fill()) {
    throw Error(ErrorKind::check, str_cat(m_subject, ": truncated"));
  }
  const std::size_t taken =
      static_cast<std::size_t>(std::min<std::uint64_t>(m_data_left, m_buffer.size()));
  const std::span<const std::byte> bytes = m_buffer.first(taken);
  m_buffer = m_buffer.subspan(taken);
  m_offset += taken;
  m_data_left -= taken;
  return bytes;
}

} // namespace zbundle::bundle
