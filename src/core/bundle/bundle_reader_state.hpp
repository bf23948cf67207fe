#pragma once

// The state the bundle reader keeps between its two halves (bundle_reader.cpp reads the head
// and checks the signature, bundle_payload.cpp the rest): the files, the zstd frames, the tar
// reader over them and the verified manifest. Internal to src/core/bundle.

#include "core/bundle/bundle_index.hpp"
#include "core/bundle/bundle_reader.hpp"
#include "core/bundle/frame_decoder.hpp"
#include "core/bundle/tar_stream.hpp"
#include "core/bundle/volume_reader.hpp"
#include "core/pki/certificate_file.hpp"
#include "core/pki/signer_chain.hpp"
#include "core/pki/signing_key.hpp"
#include "core/util/error.hpp"
#include "core/util/handles.hpp"
#include "core/util/sha256.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/untrusted_text.hpp"

#include <exception>
#include <optional>
#include <vector>

namespace zbundle::bundle {
using util::str_cat;

// Rules R1 and R10: what a member may hold, before and after the signature is checked.

inline constexpr std::uint64_t k_kib = 1024;
inline constexpr std::uint64_t k_manifest_limit = 64 * k_kib * k_kib; // rule R1
inline constexpr std::uint64_t k_signature_limit = 16 * k_kib;
inline constexpr std::uint64_t k_signer_limit = 64 * k_kib;
inline constexpr std::uint64_t k_index_limit = 64 * k_kib * k_kib;
inline constexpr std::uint64_t k_header_allowance =
    64 * k_kib; // pax and ustar headers of one member
inline constexpr std::uint64_t k_read_ahead_limit = k_kib * k_kib; // unverified frames, before R2
inline constexpr std::uint64_t k_tar_end_size = std::uint64_t{2} * 512;
inline constexpr std::size_t k_chunk_size = std::size_t{1} << 20;

inline std::uint64_t member_limit(std::uint64_t size) {
  return (size + 511) / 512 * 512 + k_header_allowance;
}

struct BundleReader::Member {
  std::string path;
  std::uint64_t size = 0;
  std::string refusal; // why the member is not a plain regular file (R8), or empty
  std::int64_t mtime = 0;
  FramePosition frame;
  bool is_stored = false;    // its frame is a stored frame, whose data can be skipped unread
  std::string frame_problem; // why it does not start its own frame (R10), or empty
};

struct BundleReader::State {
  explicit State(const std::filesystem::path& path)
      : source(path), decoder(source), tar(decoder, path.string()) {}

  VolumeReader source;
  FrameDecoder decoder;
  TarStream tar;
  Manifest manifest;
  std::shared_ptr<const pki::VerifyingKey> key;
  std::string signer;
  std::size_t head_members = 2;
  PayloadPass pass; // the last read_payload()'s

  std::optional<Member> next_member() {
    const std::optional<TarMember> header = tar.next();
    if (!header) {
      return std::nullopt;
    }
    Member member;
    member.path = header->path;
    member.size = header->size;
    member.mtime = header->mtime;
    member.refusal = header->refusal;
    std::optional<FrameStart> frame = decoder.peek_frame();
    bool has_extra = false;
    while (frame && frame->decompressed < header->header_offset) { // a frame boundary inside
      has_extra = true;                                            // the previous member
      decoder.pop_frame();
      frame = decoder.peek_frame();
    }
    if (!frame || frame->decompressed != header->header_offset) {
      member.frame_problem = "does not start a zstd frame of its own";
    } else {
      member.frame = frame->position;
      member.is_stored = frame->is_stored;
      decoder.pop_frame();
      if (has_extra) {
        member.frame_problem = "the member before it spans several zstd frames";
      }
    }
    return member;
  }

  std::size_t read_data(std::span<char> buffer) { return tar.read(buffer); }

  // The current member's next bytes where the decoder holds them, without a copy; empty at its
  // end. Valid until the next call.
  std::span<const std::byte> read_block() { return tar.read_block(); }

  // Every member carries the manifest's `created` as its time (section 1).
  [[nodiscard]] std::string time_problem(const Member& member) const {
    if (member.mtime == created) {
      return {};
    }
    return str_cat(
        "its tar header's time ", member.mtime, " is not the manifest's created time ", created);
  }
  // What is wrong with a member's header and frame (R8, R10, R12), each naming the member.
  [[nodiscard]] std::vector<model::Problem> header_problems(const Member& member) const {
    std::vector<model::Problem> problems;
    const std::string path = util::printable(member.path);
    if (!member.frame_problem.empty()) {
      problems.emplace_back(model::ProblemKind::bad_header, path, member.frame_problem);
    }
    if (!member.refusal.empty()) {
      problems.emplace_back(model::ProblemKind::bad_header, path, member.refusal);
    } else if (std::string problem = time_problem(member); !problem.empty()) {
      problems.emplace_back(model::ProblemKind::bad_header, path, std::move(problem));
    }
    return problems;
  }
  void require_sound_header(const Member& member) const {
    if (const std::vector<model::Problem> problems = header_problems(member); !problems.empty()) {
      throw Error(ErrorKind::check, model::to_text(problems.front()));
    }
  }
  // Each of them to `on_problem`.
  void report_header(const Member& member, const ProblemHandler& on_problem) const {
    for (const model::Problem& problem : header_problems(member)) {
      (void)on_problem(problem);
    }
  }
  std::int64_t created = 0;    // the manifest's, in Unix seconds, once it is read
  std::string manifest_sha256; // of its exact bytes, which the index names

  std::string read_whole(const Member& member, std::uint64_t limit) {
    if (member.size > limit) {
      throw Error(
          ErrorKind::check,
          str_cat(member.path, ": ", member.size, " bytes, more than the ", limit, " allowed"));
    }
    std::string text(static_cast<std::size_t>(member.size), '\0');
    std::size_t done = 0;
    while (done < text.size()) {
      const std::size_t got = read_data(std::span(text.data() + done, text.size() - done));
      if (got == 0) {
        throw Error(ErrorKind::check, str_cat(member.path, ": truncated"));
      }
      done += got;
    }
    return text;
  }

  Member expect_member(std::string_view path, std::uint64_t limit) {
    const std::optional<Member> member = next_member();
    if (!member || member->path != path) {
      throw Error(ErrorKind::check,
                  str_cat(source.path().string(),
                          ": ",
                          path,
                          " must come next, found ",
                          member ? member->path : "the end of the archive"));
    }
    if (!member->refusal.empty() || !member->frame_problem.empty()) {
      throw Error(ErrorKind::check, str_cat(path, ": ", member->refusal, member->frame_problem));
    }
    if (member->size > limit) {
      throw Error(ErrorKind::check,
                  str_cat(path, ": ", member->size, " bytes, more than the ", limit, " allowed"));
    }
    return *member;
  }

  void read_head(const Trust& trust) {
    decoder.set_frame_limit([](std::size_t frame) {
      return frame == 0   ? member_limit(k_manifest_limit)
             : frame == 1 ? member_limit(k_signature_limit)
                          : k_read_ahead_limit;
    });
    std::vector<Member> head{expect_member(k_manifest_member, k_manifest_limit)};
    const std::string text = read_whole(head.back(), k_manifest_limit);
    head.push_back(expect_member(k_signature_member, k_signature_limit));
    const std::string signature = read_whole(head.back(), k_signature_limit);
    if (!trust.trust_ca.empty()) {
      head.push_back(expect_member(k_signer_member, k_signer_limit));
      const std::string chain = read_whole(head.back(), k_signer_limit);
      key = std::make_shared<const pki::VerifyingKey>(pki::verify_signer_chain(
          chain, k_signer_member, trust.trust_ca, trust.signer_name, trust.at));
      head_members = 3;
      signer = str_cat("certificate for ", trust.signer_name, " (key ", key->key_id(), ")");
    } else if (trust.key || !trust.public_key.empty()) {
      key = trust.key ? trust.key : std::make_shared<const pki::VerifyingKey>(trust.public_key);
      signer = str_cat(key->algorithm(), " key ", key->key_id());
    }
    if (key
        && !key->verify(std::as_bytes(std::span(text.data(), text.size())),
                        std::as_bytes(std::span(signature.data(), signature.size())))) {
      throw Error(
          ErrorKind::check,
          str_cat(k_signature_member, ": the signature does not verify with the trusted ", signer));
    }
    manifest = parse_manifest(text);
    util::Sha256 hasher;
    hasher.update(std::as_bytes(std::span(text.data(), text.size())));
    manifest_sha256 = hasher.finish().substr(std::string_view("sha256:").size());
    created = pki::parse_time(manifest.created);
    for (const Member& member : head) {
      require_sound_header(member);
    }
    if (!key) { // inspect without a key: informational only, and said so
      signer =
          str_cat("key ", manifest.key_id, " (signature not checked: no --pubkey or --trust-ca)");
    } else if (manifest.key_id != key->key_id()) {
      throw Error(ErrorKind::check,
                  str_cat(k_manifest_member,
                          ": names signer key ",
                          manifest.key_id,
                          ", but the trusted key is ",
                          key->key_id()));
    }
    source.expect_volumes(manifest.volumes);
    decoder.set_frame_limit([this](std::size_t frame) {
      if (frame < head_members) {
        return member_limit(frame == 0 ? k_manifest_limit : k_signer_limit);
      }
      const std::size_t entry = frame - head_members;
      if (entry < manifest.entries.size()) {
        return member_limit(manifest.entries[entry].size);
      }
      return member_limit(entry == manifest.entries.size() ? k_index_limit : k_signature_limit);
    });
  }
};

} // namespace zbundle::bundle
