// Reading one payload entry again by seeking to its frame (bundle-schema/README.md section 7,
// "Reading an entry again"). Every check of the full pass that concerns one member applies.

#include "core/bundle/entry_reread.hpp"

#include "core/bundle/member_stream.hpp"
#include "core/bundle/reader_state.hpp"
#include "core/util/error.hpp"
#include "core/util/sha256.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/untrusted_text.hpp"

namespace zbundle::bundle {

using util::str_cat;

namespace detail {

LoneRead read_alone(const std::filesystem::path& bundle,
                    FramePosition frame,
                    const Entry& entry,
                    std::int64_t created,
                    EntrySink* sink) {
  LoneRead read;
  try {
    MemberStream alone(bundle); // own files and decoder: the reader's own pass stays intact
    alone.source.seek(frame);
    alone.decoder.set_frame_limit([&](std::size_t) { return member_limit(entry.size); });
    alone.decoder.stop_after(1);
    alone.created = created;
    const std::optional<Member> member = alone.next_member();
    if (!member || member->path != entry.path) {
      read.problem =
          str_cat("its frame holds ", member ? util::printable(member->path) : "no member", " now");
    } else if (!member->refusal.empty() || !member->frame_problem.empty()) {
      read.problem = member->refusal + member->frame_problem;
    } else if (const std::string problem = alone.time_problem(*member); !problem.empty()) {
      read.problem = problem;
    } else if (member->size != entry.size) {
      read.problem = str_cat(member->size, " bytes, the manifest says ", entry.size);
    }
    if (!read.problem.empty()) {
      return read;
    }
    if (sink != nullptr) {
      sink->begin(entry);
      read.has_begun = true;
    }
    util::Sha256 hasher;
    for (std::span<const std::byte> bytes = alone.read_block(); !bytes.empty();
         bytes = alone.read_block()) {
      hasher.update(bytes);
      if (sink != nullptr) {
        sink->write(bytes);
      }
    }
    read.digest = hasher.finish();
  } catch (const Error& error) {
    if (error.kind() != ErrorKind::check && error.kind() != ErrorKind::input) {
      throw;
    }
    read.problem = error.what();
  }
  return read;
}

} // namespace detail

bool BundleReader::reread_entry(std::size_t position,
                                EntrySink& sink,
                                const ProblemHandler& on_problem) {
  const Entry& entry = m_state->head.manifest.entries.at(position);
  const std::optional<FramePosition> frame =
      position < m_state->pass.frames.size() ? m_state->pass.frames[position] : std::nullopt;
  if (!frame) {
    (void)on_problem({model::ProblemKind::missing_entry,
                      entry.path,
                      "not found in the bundle's last read, so not read again"});
    return false;
  }
  const detail::LoneRead read = detail::read_alone(
      m_state->stream.source.path(), *frame, entry, m_state->stream.created, &sink);
  if (!read.problem.empty()) {
    (void)on_problem(
        {model::ProblemKind::unreadable, entry.path, str_cat("read again: ", read.problem)});
    if (read.has_begun) {
      sink.end(entry, false);
    }
    return false;
  }
  const std::string actual = read.digest.substr(std::string_view("sha256:").size());
  const bool is_verified = actual == entry.sha256.hex();
  if (!is_verified) {
    (void)on_problem({model::ProblemKind::digest_mismatch,
                      entry.path,
                      str_cat("read again: digest mismatch: expected sha256:",
                              entry.sha256.hex(),
                              ", got sha256:",
                              actual)});
  }
  sink.end(entry, is_verified);
  return is_verified;
}

} // namespace zbundle::bundle
