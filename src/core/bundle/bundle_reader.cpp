#include "core/bundle/bundle_reader.hpp"

#include "core/bundle/bundle_index.hpp"
#include "core/bundle/frame_decoder.hpp"
#include "core/bundle/volume_reader.hpp"
#include "core/pki/signer_chain.hpp"
#include "core/pki/signing_key.hpp"
#include "core/util/error.hpp"
#include "core/util/handles.hpp"
#include "core/util/hash_pipeline.hpp"
#include "core/util/sha256.hpp"
#include "core/util/str_cat.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <exception>
#include <map>
#include <optional>

namespace zbundle::bundle {
namespace {

using util::str_cat;

constexpr std::uint64_t k_kib = 1024;
constexpr std::uint64_t k_manifest_limit = 64 * k_kib * k_kib; // rule R1
constexpr std::uint64_t k_signature_limit = 16 * k_kib;
constexpr std::uint64_t k_signer_limit = 64 * k_kib;
constexpr std::uint64_t k_index_limit = 64 * k_kib * k_kib;
constexpr std::uint64_t k_header_allowance = 64 * k_kib;    // pax and ustar headers of one member
constexpr std::uint64_t k_read_ahead_limit = k_kib * k_kib; // unverified frames, before R2
constexpr std::uint64_t k_tar_end_size = 2 * 512;
constexpr std::size_t k_chunk_size = std::size_t{1} << 20;

std::uint64_t member_limit(std::uint64_t size) {
  return (size + 511) / 512 * 512 + k_header_allowance;
}

} // namespace

struct BundleReader::Member {
  std::string path;
  std::uint64_t size = 0;
  std::string refusal; // why the member is not a plain regular file (R8), or empty
  FramePosition frame;
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

  static la_ssize_t on_read(struct archive* reader, void* self, const void** buffer) {
    auto* state = static_cast<State*>(self);
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

BundleReader::BundleReader(const std::filesystem::path& path, const Trust& trust)
    : m_state(std::make_unique<State>(path)) {
  m_state->open();
  m_state->read_head(trust);
}

BundleReader::~BundleReader() = default;

const Manifest& BundleReader::manifest() const noexcept {
  return m_state->manifest;
}

const std::string& BundleReader::signer() const noexcept {
  return m_state->signer;
}

PayloadTotals BundleReader::read_payload(EntrySink* sink, const ProblemHandler& on_problem) {
  State& state = *m_state;
  const Manifest& manifest = state.manifest;
  std::map<std::string_view, std::size_t> position_of;
  for (std::size_t i = 0; i < manifest.entries.size(); ++i) {
    position_of.emplace(manifest.entries[i].path, i);
  }
  std::vector<std::optional<FramePosition>> frames(manifest.entries.size());
  PayloadTotals totals;
  std::size_t expected_next = 0;
  // Entries are hashed on a second core while this one decompresses and parses the next.
  util::HashPipeline hashes(4, k_chunk_size);
  const auto report_digests =
      [&](const std::vector<std::pair<std::uint64_t, std::string>>& digests) {
        bool is_verified = true;
        for (const auto& [position, digest] : digests) {
          const Entry& entry = manifest.entries[position];
          const std::string actual = digest.substr(std::string_view("sha256:").size());
          if (actual != entry.sha256) {
            is_verified = false;
            on_problem(str_cat(entry.path,
                               ": digest mismatch: expected sha256:",
                               entry.sha256,
                               ", got sha256:",
                               actual));
          }
        }
        return is_verified;
      };
  try {
    std::optional<Member> member = state.next_member();
    if (member && member->path == k_signer_member && state.head_members == 2) {
      // A chain for --trust-ca readers; a pinned key does not need it (rule R1 allows it here).
      state.head_members = 3;
      member = state.next_member();
    }
    for (; member && member->path != k_index_member; member = state.next_member()) {
      if (!member->frame_problem.empty()) {
        on_problem(str_cat(member->path, ": ", member->frame_problem));
      }
      if (!member->refusal.empty()) {
        on_problem(str_cat(member->path, ": ", member->refusal));
        continue;
      }
      const auto found = position_of.find(member->path);
      if (found == position_of.end()) {
        on_problem(str_cat(member->path, ": an entry the manifest does not list"));
        continue;
      }
      const std::size_t position = found->second;
      const Entry& entry = manifest.entries[position];
      if (frames[position]) {
        on_problem(str_cat(entry.path, ": stored twice"));
        continue;
      }
      if (position != expected_next) {
        on_problem(str_cat(entry.path,
                           ": out of order: listed as entry ",
                           position + 1,
                           ", stored as entry ",
                           expected_next + 1));
      }
      expected_next = position + 1;
      frames[position] = member->frame;
      if (member->size != entry.size) {
        on_problem(
            str_cat(entry.path, ": ", member->size, " bytes, the manifest says ", entry.size));
        continue;
      }
      if (sink != nullptr) {
        sink->begin(entry);
      }
      for (std::span<char> chunk = hashes.next_buffer();; chunk = hashes.next_buffer()) {
        const std::size_t got = state.read_data(chunk);
        if (got == 0) {
          break;
        }
        hashes.submit(got);
        if (sink != nullptr) {
          sink->write(std::as_bytes(chunk.first(got)));
        }
      }
      hashes.end_stream(position);
      if (sink != nullptr) { // the sink must know now whether what it got is right
        sink->end(entry, report_digests(hashes.finish()));
      }
      totals.entries += 1;
      totals.bytes += entry.size;
    }
    (void)report_digests(hashes.finish());
    for (std::size_t i = 0; i < frames.size(); ++i) {
      if (!frames[i]) {
        on_problem(str_cat(manifest.entries[i].path, ": missing from the bundle"));
      }
    }
    if (!member) {
      on_problem(str_cat(state.source.path().string(), ": ends before ", k_index_member));
      return totals;
    }
    check_index(*member, frames, on_problem);
  } catch (const Error& error) {
    if (error.kind() != ErrorKind::check) {
      throw;
    }
    (void)report_digests(hashes.finish());
    on_problem(error.what()); // the stream is unreadable from here on
  }
  return totals;
}

void BundleReader::check_index(const Member& index_member,
                               const std::vector<std::optional<FramePosition>>& frames,
                               const ProblemHandler& on_problem) {
  State& state = *m_state;
  if (!index_member.frame_problem.empty()) {
    on_problem(str_cat(k_index_member, ": ", index_member.frame_problem));
  }
  const std::string index = state.read_whole(index_member, k_index_limit);
  const std::string signature = state.read_whole(
      state.expect_member(k_index_signature_member, k_signature_limit), k_signature_limit);
  if (!state.key) {
    on_problem(str_cat(k_index_signature_member, ": not checked: no trusted key"));
  } else if (!state.key->verify(std::as_bytes(std::span(index.data(), index.size())),
                                std::as_bytes(std::span(signature.data(), signature.size())))) {
    on_problem(str_cat(k_index_signature_member,
                       ": the signature does not verify with the trusted ",
                       state.signer));
  } else {
    try {
      const std::vector<IndexFrame> listed = parse_index(index, state.manifest);
      std::size_t differing = 0;
      std::string first;
      for (std::size_t i = 0; i < listed.size(); ++i) {
        const FramePosition& seen = frames[i].value_or(FramePosition{});
        if (frames[i]
            && (seen.volume != listed[i].position.volume
                || seen.offset != listed[i].position.offset)) {
          if (differing++ == 0) {
            first = str_cat(listed[i].path,
                            " starts at volume ",
                            seen.volume,
                            " offset ",
                            seen.offset,
                            ", the index says volume ",
                            listed[i].position.volume,
                            " offset ",
                            listed[i].position.offset);
          }
        }
      }
      if (differing > 0) { // one cause (a rewritten stream) shifts every later frame: say it once
        on_problem(str_cat(k_index_member,
                           ": ",
                           differing,
                           " frames are not where the index says; first: ",
                           first));
      }
    } catch (const Error& error) {
      on_problem(error.what());
    }
  }
  if (const std::optional<Member> extra = state.next_member()) {
    on_problem(str_cat(extra->path, ": a member after ", k_index_signature_member));
    return;
  }
  const std::optional<FrameStart> trailer = state.decoder.peek_frame();
  while (!state.decoder.next().empty()) {
  }
  state.decoder.pop_frame();
  if (!trailer || state.decoder.peek_frame()
      || state.decoder.decompressed_total() - trailer->decompressed != k_tar_end_size) {
    on_problem(
        str_cat(state.source.path().string(),
                ": the end of the archive is not one frame of two zero blocks (trailing data?)"));
  }
}

} // namespace zbundle::bundle
