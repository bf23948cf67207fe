#pragma once

// A strict reader of the tar stream inside a bundle's frames (bundle-schema/README.md section 1,
// "Member headers"). It parses what it must to go on (pax records, ustar fields), then rebuilds
// the header blocks the spec fixes for the member's path, size and time and compares them byte
// for byte: whatever else a header says (a mode, an owner, a GNU long name, a global pax header,
// a base-256 number, a comment) cannot pass unseen. Internal to src/core/bundle.

#include "core/bundle/frame_decoder.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>

namespace zbundle::bundle {

struct TarMember {
  std::string path;
  std::uint64_t size = 0;
  std::int64_t mtime = 0;
  std::uint64_t header_offset = 0; // where its first header block starts in the tar stream
  std::string refusal;             // why it is not a member the format allows, or empty
};

class TarStream {
public:
  // `subject` names the bundle in messages.
  TarStream(FrameDecoder& decoder, std::string subject);

  // Passes over what is left of the current member (its padding must be zeros), then reads the
  // next header; nullopt at the end-of-archive blocks or at the end of the stream. Throws
  // Error{check} when the stream ends inside a header or a header cannot be parsed at all.
  [[nodiscard]] std::optional<TarMember> next();
  // The current member's data: up to `buffer.size()` bytes copied, 0 at its end.
  [[nodiscard]] std::size_t read(std::span<char> buffer);
  // The current member's next bytes where the decoder holds them; empty at its end.
  [[nodiscard]] std::span<const std::byte> read_block();

private:
  [[nodiscard]] bool fill();
  void take(std::size_t count, std::string& out);
  void pass_over(std::uint64_t count, bool must_be_zero);
  struct Header {
    std::uint64_t start = 0;                    // offset of its first block
    std::string raw;                            // every header block, as read
    std::map<std::string, std::string> records; // pax records
  };
  [[nodiscard]] TarMember parse_header(std::string first_block);
  [[nodiscard]] std::string read_extensions(std::string block, Header& header, TarMember& member);
  [[nodiscard]] static std::string refusal_of(std::string_view block,
                                              const Header& header,
                                              const TarMember& member,
                                              bool are_numbers_octal);

  FrameDecoder& m_decoder;
  std::string m_subject;
  std::span<const std::byte> m_buffer; // decoded bytes not consumed yet
  std::uint64_t m_offset = 0;          // bytes of the tar stream consumed
  std::uint64_t m_data_left = 0;
  std::uint64_t m_padding_left = 0;
  std::string m_path; // the current member's, for messages
};

} // namespace zbundle::bundle
