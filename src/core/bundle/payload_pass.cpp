// The payload pass of the bundle reader: every payload member matched to the entry the manifest
// lists, its bytes hashed and handed to the sink, then the index, its signature and the end of
// the archive (bundle-schema/README.md, rules R6-R11).

#include "core/bundle/bundle_index.hpp"
#include "core/bundle/bundle_reader.hpp"
#include "core/bundle/index_check.hpp"
#include "core/bundle/payload_hashes.hpp"
#include "core/bundle/reader_state.hpp"
#include "core/util/error.hpp"
#include "core/util/hash_pipeline.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/untrusted_text.hpp"

#include <algorithm>
#include <functional>
#include <numeric>
#include <utility>

namespace zbundle::bundle {
namespace {

using detail::Member;
using detail::ReaderState;
using util::str_cat;

// The entry a sink began: ended, unverified, when the pass stops inside it, however it stops.
// Every sink->begin() gets its end() on every path: a sink that feeds another thread (push's
// uploads) waits for it, and would wait forever.
class OpenEntry {
public:
  explicit OpenEntry(EntrySink* sink) : m_sink(sink) {}
  OpenEntry(const OpenEntry&) = delete;
  OpenEntry& operator=(const OpenEntry&) = delete;
  ~OpenEntry() { end_unverified(); }

  void begin(const Entry& entry) noexcept { m_entry = m_sink != nullptr ? &entry : nullptr; }
  void ended() noexcept { m_entry = nullptr; }
  void end_unverified() noexcept {
    if (m_entry == nullptr) {
      return;
    }
    try {
      m_sink->end(*std::exchange(m_entry, nullptr), false);
    } catch (...) { // NOLINT(bugprone-empty-catch): the error that stopped the pass comes first
    }
  }

private:
  EntrySink* m_sink;
  const Entry* m_entry = nullptr;
};

// The current member's bytes, once, to the hashing thread and the sink. Between chunks, the
// split entries the frame readers finished are ended: a sink that waits on a slow consumer
// (push's upload of this entry) must not keep theirs waiting for their digests too.
void stream_entry(ReaderState& state,
                  const Entry& entry,
                  detail::PayloadHashes& hashes,
                  EntrySink* sink) {
  if (sink != nullptr) {
    sink->begin(entry);
  }
  util::HashPipeline& in_order = hashes.in_order();
  for (std::span<char> chunk = in_order.next_buffer();; chunk = in_order.next_buffer()) {
    const std::size_t got = state.stream.read_data(chunk);
    if (got == 0) {
      return;
    }
    in_order.submit(got);
    if (sink != nullptr) {
      sink->write(std::as_bytes(chunk.first(got)));
      (void)hashes.report_frames(detail::Pending::leave);
    }
  }
}

// Rules R7, R8, R10 and R12 for one payload member: which listed entry it is, or nullopt when its
// bytes are not to be read (reported).
std::optional<std::size_t>
match_member(ReaderState& state, const Member& member, const ProblemHandler& on_problem) {
  detail::PayloadPass& pass = state.pass;
  state.stream.report_header(member, on_problem);
  if (!member.refusal.empty() || !state.stream.time_problem(member).empty()) {
    return std::nullopt; // a frame of its own is not needed to read it; the rest is
  }
  const std::optional<std::size_t> found =
      pass.position_of(state.head.manifest.entries, member.path);
  if (!found) {
    (void)on_problem({model::ProblemKind::unlisted_entry,
                      util::printable(member.path),
                      "an entry the manifest does not list"});
    return std::nullopt;
  }
  const std::size_t position = *found;
  const Entry& entry = state.head.manifest.entries[position];
  if (pass.frames[position]) {
    (void)on_problem({model::ProblemKind::unlisted_entry, entry.path, "stored twice"});
    return std::nullopt;
  }
  if (position != pass.expected_next) {
    (void)on_problem({model::ProblemKind::misplaced,
                      entry.path,
                      str_cat("out of order: listed as entry ",
                              position + 1,
                              ", stored as entry ",
                              pass.expected_next + 1)});
  }
  pass.expected_next = position + 1;
  pass.frames[position] = member.frame;
  if (member.size != entry.size) {
    (void)on_problem({model::ProblemKind::size_mismatch,
                      entry.path,
                      str_cat(member.size, " bytes, the manifest says ", entry.size)});
    return std::nullopt;
  }
  return position;
}

// How the pass stops when the caller's handler says so: thrown from wherever the problem was
// found, caught by read_payload() alone.
struct StopReading {};

} // namespace

namespace detail {

std::optional<std::size_t> PayloadPass::position_of(const std::vector<Entry>& entries,
                                                    std::string_view path) {
  if (expected_next < entries.size() && entries[expected_next].path == path) {
    return expected_next;
  }
  if (by_path.empty()) {
    by_path.resize(entries.size()); // a 64 MiB manifest lists far fewer than 2^32
    std::iota(by_path.begin(), by_path.end(), std::uint32_t{0});
    std::ranges::sort(
        by_path, {}, [&](std::uint32_t i) -> std::string_view { return entries[i].path; });
  }
  const auto found = std::ranges::lower_bound(
      by_path, path, {}, [&](std::uint32_t i) -> std::string_view { return entries[i].path; });
  if (found == by_path.end() || entries[*found].path != path) {
    return std::nullopt;
  }
  return *found;
}

} // namespace detail

PayloadTotals BundleReader::read_payload(EntrySink* sink, const ProblemHandler& handler) {
  const ProblemHandler on_problem = [&handler](const model::Problem& problem) {
    if (handler(problem) == model::AfterProblem::stop) {
      throw StopReading{};
    }
    return model::AfterProblem::keep_reading;
  };
  ReaderState& state = *m_state;
  const Manifest& manifest = state.head.manifest;
  detail::PayloadPass& pass = state.pass = {}; // kept: reread_entry() seeks by its frames
  pass.frames.resize(manifest.entries.size());
  PayloadTotals totals;
  detail::PayloadHashes hashes(state, on_problem);
  OpenEntry open_entry(sink);
  try {
    std::optional<Member> member = state.stream.next_member();
    if (member && member->path == k_signer_member && state.head.members == 2) {
      // A chain for --trust-ca readers; a pinned key does not need it (rule R1 allows it here).
      state.head.members = 3;
      member = state.stream.next_member();
    }
    for (; member && member->path != k_index_member; member = state.stream.next_member()) {
      const std::optional<std::size_t> position = match_member(state, *member, on_problem);
      if (!position) {
        continue;
      }
      const Entry& entry = manifest.entries[*position];
      if (!hashes.read_from_its_frame(*member, *position, sink)) {
        open_entry.begin(entry);
        stream_entry(state, entry, hashes, sink);
        hashes.in_order().end_stream(*position);
        if (sink != nullptr) { // the sink must know now whether what it got is right
          const bool is_verified = hashes.report_in_order(detail::Pending::wait);
          open_entry.ended();
          sink->end(entry, is_verified);
        }
      }
      // whatever is finished, so the digests of 100k entries never pile up
      (void)hashes.report_digests(detail::Pending::leave);
      totals.entries += 1;
      totals.bytes += entry.size;
    }
    (void)hashes.report_digests(detail::Pending::wait);
    for (std::size_t i = 0; i < pass.frames.size(); ++i) {
      if (!pass.frames[i]) {
        (void)on_problem({model::ProblemKind::missing_entry,
                          manifest.entries[i].path,
                          "missing from the bundle"});
      }
    }
    if (!member) {
      (void)on_problem({model::ProblemKind::unreadable,
                        state.stream.source.path().string(),
                        str_cat("ends before ", k_index_member)});
      return totals;
    }
    detail::check_index_and_end(state, *member, on_problem);
  } catch (const StopReading&) {
    open_entry.end_unverified();
    totals.stopped = true;
  } catch (const Error& error) {
    open_entry.end_unverified();
    if (error.kind() != ErrorKind::check) {
      throw;
    }
    try {
      (void)hashes.report_digests(detail::Pending::wait);
      // the stream is unreadable from here on
      (void)on_problem({model::ProblemKind::unreadable, "", error.what()});
    } catch (const StopReading&) {
      totals.stopped = true;
    }
  }
  return totals;
}

void require_intact_payload(BundleReader& reader, EntrySink* sink) {
  std::optional<model::Problem> first;
  (void)reader.read_payload(sink, [&first](const model::Problem& problem) {
    first = problem;
    return model::AfterProblem::stop;
  });
  if (first) {
    throw Error(ErrorKind::check, model::to_text(*first));
  }
}

} // namespace zbundle::bundle
