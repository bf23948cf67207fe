#pragma once

// What a BundleReader keeps between its calls: the member stream, the signed head it read
// first, and where the last payload pass found each entry (for reading one again). Internal to
// the bundle reader, which is split by concept: signed_head.cpp (signature and manifest),
// payload_pass.cpp (the payload, index and end), entry_reread.cpp (one entry again).

#include "core/bundle/member_stream.hpp"
#include "core/bundle/signed_head.hpp"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace zbundle::bundle::detail {

struct PayloadPass {
  std::vector<std::optional<FramePosition>> frames; // where each listed entry was found
  std::size_t expected_next = 0;
  std::vector<std::uint32_t> by_path; // positions sorted by path, made at the first surprise
  // Where the manifest lists `path`: the expected next entry in an intact bundle, else a
  // binary search, so 100k entries need no map of their paths.
  [[nodiscard]] std::optional<std::size_t> position_of(const std::vector<Entry>& entries,
                                                       std::string_view path);
};

struct ReaderState {
  ReaderState(const std::filesystem::path& path, const Trust& trust)
      : stream(path), head(read_signed_head(stream, trust)) {
    limit_payload_frames(stream, head);
  }
  ReaderState(const ReaderState&) = delete;
  ReaderState& operator=(const ReaderState&) = delete;
  ~ReaderState() = default;

  MemberStream stream;
  SignedHead head; // after `stream`, which it is read from
  PayloadPass pass;
};

} // namespace zbundle::bundle::detail
