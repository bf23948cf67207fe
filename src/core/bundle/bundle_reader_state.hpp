#pragma once

// The state the bundle reader keeps between its two halves (bundle_reader.cpp reads the head
// and checks the signature, bundle_payload.cpp the rest): the files, the zstd frames, the tar
// reader over them and the verified manifest. Internal to src/core/bundle.

#include "core/bundle/bundle_index.hpp"
#include "core/bundle/bundle_reader.hpp"
#include "core/bundle/frame_decoder.hpp"
#include "core/bundle/volume_reader.hpp"
#include "core/pki/signer_chain.hpp"
#include "core/pki/signing_key.hpp"
#include "core/util/error.hpp"
#include "core/util/handles.hpp"
#include "core/util/str_cat.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <exception>
#include <optional>

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
  FramePosition frame;
  bool is_stored = false;    // its frame is a stored frame, whose data can be skipped unread
  std::string frame_problem; // why it does not start its own frame (R10), or empty
};

struct BundleReader::State {
  explicit State(const std::filesystem::path& path) : source(path), decoder(source) {}

  VolumeReader source;
  FrameDecoder decoder;
  util::ArchiveReader archive{archive_read_new()};
  std::exception_ptr pending;
  Manifest manifest;
  std::shared_ptr<const pki::VerifyingKey> key;
  std::string signer;
  std::size_t head_members = 2;
  PayloadPass pass; // the last read_payload()'s

  static la_ssize_t on_read(struct archive* reader, void* self, const void** buffer) {
    auto* state = static_cast<State*>(self);
    if (state->pending) { // a skip failed: the stream is not readable from here
      archive_set_error(reader, EIO, "bundle stream failed");
      return -1;
    }
    try {
      const std::span<const std::byte> bytes = state->decoder.next();
      *buffer = bytes.data();
      return static_cast<la_ssize_t>(bytes.size());
    } catch (...) {
      state->pending = std::current_exception();
      archive_set_error(reader, EIO, "bundle stream failed");
      return -1;
    }
  }

  // libarchive passing over data nobody reads: stored frames are skipped without reading
  // them; 0 makes libarchive read the rest.
  static la_int64_t on_skip(struct archive* reader, void* self, la_int64_t request) {
    auto* state = static_cast<State*>(self);
    try {
      return static_cast<la_int64_t>(state->decoder.skip(static_cast<std::uint64_t>(request)));
    } catch (...) {
      state->pending = std::current_exception();
      archive_set_error(reader, EIO, "bundle stream failed");
      return 0;
    }
  }

  [[noreturn]] void fail_archive() {
    if (pending) {
      std::rethrow_exception(std::exchange(pending, nullptr));
    }
    throw Error(ErrorKind::check,
                str_cat(source.path().string(),
                        ": not a valid tar stream: ",
                        archive_error_string(archive.get())));
  }

  void open() {
    if (!archive || archive_read_support_format_tar(archive.get()) != ARCHIVE_OK
        || archive_read_support_filter_none(archive.get()) != ARCHIVE_OK
        || archive_read_set_skip_callback(archive.get(), &State::on_skip) != ARCHIVE_OK
        || archive_read_open(archive.get(), this, nullptr, &State::on_read, nullptr)
               != ARCHIVE_OK) {
      fail_archive();
    }
  }

  std::optional<Member> next_member() {
    archive_entry* entry = nullptr;
    const int status = archive_read_next_header(archive.get(), &entry);
    if (status == ARCHIVE_EOF) {
      return std::nullopt;
    }
    if (status != ARCHIVE_OK) { // ARCHIVE_WARN included: a header libarchive had to guess at
      fail_archive();
    }
    Member member;
    // UTF-8 as the pax header holds it: no locale conversion, which a static binary lacks
    const char* name = archive_entry_pathname_utf8(entry);
    if (name == nullptr) {
      name = archive_entry_pathname(entry);
    }
    member.path = name == nullptr ? "" : name;
    member.size = archive_entry_size_is_set(entry) != 0
                      ? static_cast<std::uint64_t>(archive_entry_size(entry))
                      : 0;
    if (archive_entry_filetype(entry) != AE_IFREG || archive_entry_hardlink(entry) != nullptr) {
      member.refusal = "not a regular file (symlink, hardlink, directory or device)";
    } else if ((archive_entry_perm(entry) & 07000) != 0) {
      member.refusal = "carries setuid, setgid or sticky bits";
    } else if (archive_entry_xattr_count(entry) > 0 || archive_entry_sparse_count(entry) > 0
               || archive_entry_acl_count(entry,
                                          ARCHIVE_ENTRY_ACL_TYPE_ACCESS
                                              | ARCHIVE_ENTRY_ACL_TYPE_DEFAULT
                                              | ARCHIVE_ENTRY_ACL_TYPE_NFS4)
                      > 0) {
      member.refusal = "carries extended attributes, ACLs or sparse data";
    }
    const auto header = static_cast<std::uint64_t>(archive_read_header_position(archive.get()));
    std::optional<FrameStart> frame = decoder.peek_frame();
    bool has_extra = false;
    while (frame && frame->decompressed < header) { // a frame boundary inside the previous member
      has_extra = true;
      decoder.pop_frame();
      frame = decoder.peek_frame();
    }
    if (!frame || frame->decompressed != header) {
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

  std::size_t read_data(std::span<char> buffer) {
    const la_ssize_t got = archive_read_data(archive.get(), buffer.data(), buffer.size());
    if (got < 0) {
      fail_archive();
    }
    return static_cast<std::size_t>(got);
  }

  // The current member's next bytes where libarchive holds them, without a copy; empty at its
  // end. Valid until the next call.
  std::span<const std::byte> read_block() {
    while (true) {
      const void* data = nullptr;
      std::size_t size = 0;
      la_int64_t offset = 0;
      const int status = archive_read_data_block(archive.get(), &data, &size, &offset);
      if (status == ARCHIVE_EOF) {
        return {};
      }
      if (status != ARCHIVE_OK) {
        fail_archive();
      }
      if (size > 0) {
        return {static_cast<const std::byte*>(data), size};
      }
    }
  }

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
    const std::string text =
        read_whole(expect_member(k_manifest_member, k_manifest_limit), k_manifest_limit);
    const std::string signature =
        read_whole(expect_member(k_signature_member, k_signature_limit), k_signature_limit);
    if (!trust.trust_ca.empty()) {
      const std::string chain =
          read_whole(expect_member(k_signer_member, k_signer_limit), k_signer_limit);
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
