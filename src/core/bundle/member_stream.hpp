#pragma once

// The members of a bundle in the order they are stored: the files (or volumes), the zstd frames
// and the tar reader over them, each member checked against the frame it must start (R10) and
// the time every member carries (R12). Internal to the bundle reader.

#include "core/bundle/bundle_reader.hpp"
#include "core/bundle/frame_decoder.hpp"
#include "core/bundle/tar_stream.hpp"
#include "core/bundle/volume_reader.hpp"
#include "core/model/problem.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace zbundle::bundle::detail {

// Rules R1 and R10: what a member may hold, before and after the signature is checked.
inline constexpr std::uint64_t k_kib = 1024;
inline constexpr std::uint64_t k_manifest_limit = 64 * k_kib * k_kib; // rule R1
inline constexpr std::uint64_t k_signature_limit = 16 * k_kib;
inline constexpr std::uint64_t k_signer_limit = 64 * k_kib;
inline constexpr std::uint64_t k_index_limit = 64 * k_kib * k_kib;
inline constexpr std::uint64_t k_header_allowance = 64 * k_kib;    // pax and ustar headers
inline constexpr std::uint64_t k_read_ahead_limit = k_kib * k_kib; // unverified frames, before R2
inline constexpr std::uint64_t k_tar_end_size = std::uint64_t{2} * 512;
inline constexpr std::size_t k_chunk_size = std::size_t{1} << 20;

// The most a member of `size` data bytes may decompress to: data, padding and its headers.
[[nodiscard]] inline std::uint64_t member_limit(std::uint64_t size) {
  return (size + 511) / 512 * 512 + k_header_allowance;
}

// A tar member as read, and what the format's rules say about its header and frame.
struct Member {
  std::string path;
  std::uint64_t size = 0;
  std::string refusal; // why the member is not a plain regular file (R8), or empty
  std::int64_t mtime = 0;
  FramePosition frame;
  bool is_stored = false;    // its frame is a stored frame, whose data can be skipped unread
  std::string frame_problem; // why it does not start its own frame (R10), or empty
};

class MemberStream {
public:
  explicit MemberStream(const std::filesystem::path& path);
  MemberStream(const MemberStream&) = delete;
  MemberStream& operator=(const MemberStream&) = delete;
  ~MemberStream() = default;

  // The next member's header; nullopt at the end of the archive.
  [[nodiscard]] std::optional<Member> next_member();
  // The next member, which must be `path`, a plain file of at most `limit` bytes in a frame of
  // its own. Throws Error{check} naming it otherwise.
  [[nodiscard]] Member expect_member(std::string_view path, std::uint64_t limit);
  // The current member's data, whole. Throws Error{check} above `limit` or when cut short.
  [[nodiscard]] std::string read_whole(const Member& member, std::uint64_t limit);
  [[nodiscard]] std::size_t read_data(std::span<char> buffer) { return m_tar.read(buffer); }
  // The current member's next bytes where the decoder holds them, without a copy; empty at its
  // end. Valid until the next call.
  [[nodiscard]] std::span<const std::byte> read_block() { return m_tar.read_block(); }

  // Every member carries the manifest's `created` as its time (section 1): why `member` does
  // not, or empty. Set `created` once the manifest is read.
  [[nodiscard]] std::string time_problem(const Member& member) const;
  // What is wrong with a member's header and frame (R8, R10, R12), each naming the member.
  [[nodiscard]] std::vector<model::Problem> header_problems(const Member& member) const;
  // Throws the first of them as Error{check}.
  void require_sound_header(const Member& member) const;
  // Each of them to `on_problem`.
  void report_header(const Member& member, const ProblemHandler& on_problem) const;

  std::int64_t created = 0; // the manifest's, in Unix seconds, once it is read
  VolumeReader source;
  FrameDecoder decoder;

private:
  TarStream m_tar;
};

} // namespace zbundle::bundle::detail
