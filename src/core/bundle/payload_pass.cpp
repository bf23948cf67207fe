// The payload pass of the bundle reader: every payload member matched to the entry the manifest
// lists, its bytes hashed and handed to the sink, then the index, its signature and the end of
// the archive (bundle-schema/README.md, rules R6-R11).

#include "core/bundle/bundle_index.hpp"
#include "core/bundle/bundle_reader.hpp"
#include "core/bundle/entry_reread.hpp"
#include "core/bundle/index_check.hpp"
#include "core/bundle/reader_state.hpp"
#include "core/util/error.hpp"
#include "core/util/hash_pipeline.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/untrusted_text.hpp"
#include "core/util/work_pool.hpp"

#include <algorithm>
#include <functional>
#include <mutex>
#include <numeric>
#include <utility>

namespace zbundle::bundle {
namespace {

using detail::Member;
using detail::ReaderState;
using util::str_cat;

// Entries this large in stored frames are hashed by the frame hashers when nothing needs their
// bytes in order; below this, opening a second reader costs more than it gains.
constexpr std::uint64_t k_lone_read_min_size = std::uint64_t{1} << 20;
// Each frame hasher holds a reader (about 1.5 MiB); a few of them keep the cores busy.
constexpr unsigned k_max_frame_hashers = 4;

// One SHA-256 stream runs on one core, so verify hashes several entries at once: workers read
// big stored-frame entries again, each from the frame the pass found for it, while the pass
// skips their data unread and goes on to the next header. Results are collected for the pass's
// own thread to report.
class FrameHashers {
public:
  // The entry's digest, or what kept it from being read.
  using Read = std::function<std::pair<std::string, std::optional<model::Problem>>(
      std::size_t position, FramePosition frame)>;
  struct Results {
    std::vector<std::pair<std::uint64_t, std::string>> digests; // position, "sha256:<hex>"
    std::vector<model::Problem> problems;
  };

  explicit FrameHashers(Read read)
      : m_read(std::move(read)),
        m_pool(std::min(util::WorkPool::worker_count(0), k_max_frame_hashers),
               k_max_frame_hashers) {}

  void submit(std::size_t position, FramePosition frame) {
    m_pool.submit([this, position, frame] {
      auto [digest, problem] = m_read(position, frame);
      const std::scoped_lock lock(m_mutex);
      if (!problem) {
        m_results.digests.emplace_back(position, std::move(digest));
      } else {
        m_results.problems.push_back(std::move(*problem));
      }
    });
  }
  [[nodiscard]] Results take() {
    const std::scoped_lock lock(m_mutex);
    return std::exchange(m_results, {});
  }
  [[nodiscard]] Results finish() {
    m_pool.wait();
    return take();
  }

private:
  Read m_read;
  std::mutex m_mutex;
  Results m_results;
  util::WorkPool m_pool; // last: its workers use the rest
};

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

// A digest-mismatch problem for each finished entry whose digest differs; true when none.
bool report_mismatches(const ReaderState& state,
                       const std::vector<std::pair<std::uint64_t, std::string>>& digests,
                       const ProblemHandler& on_problem) {
  bool is_verified = true;
  for (const auto& [position, digest] : digests) {
    const Entry& entry = state.head.manifest.entries[position];
    const std::string actual = digest.substr(std::string_view("sha256:").size());
    if (actual != entry.sha256.hex()) {
      is_verified = false;
      (void)on_problem(
          {model::ProblemKind::digest_mismatch,
           entry.path,
           str_cat(
               "digest mismatch: expected sha256:", entry.sha256.hex(), ", got sha256:", actual)});
    }
  }
  return is_verified;
}

// The current member's bytes, once, to the hashing thread and the sink.
void stream_entry(ReaderState& state,
                  const Entry& entry,
                  util::HashPipeline& hashes,
                  EntrySink* sink) {
  if (sink != nullptr) {
    sink->begin(entry);
  }
  for (std::span<char> chunk = hashes.next_buffer();; chunk = hashes.next_buffer()) {
    const std::size_t got = state.stream.read_data(chunk);
    if (got == 0) {
      return;
    }
    hashes.submit(got);
    if (sink != nullptr) {
      sink->write(std::as_bytes(chunk.first(got)));
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

// Whether big stored-frame entries may be hashed by frame hashers, each read again from its
// frame, while the pass skips their data: only when nothing needs the bytes in order.
enum class FrameReads { allowed, not_allowed };
// What a report of digests does with the hashing still under way.
enum class Pending { leave, wait };

// Where read_payload() hashes entries: in order on a second core (HashPipeline), or, for big
// stored-frame entries when nothing needs their bytes in order, each by itself on one of the
// frame hashers. Reports their mismatches from the pass's own thread.
class PayloadHashes {
public:
  PayloadHashes(const ReaderState& state, FrameReads frame_reads, const ProblemHandler& on_problem)
      : m_state(state), m_on_problem(on_problem) {
    if (frame_reads == FrameReads::allowed) {
      m_from_frames.emplace(
          [this, bundle = state.stream.source.path(), created = state.stream.created](
              std::size_t position, FramePosition frame) {
            const Entry& entry = m_state.head.manifest.entries[position];
            detail::LoneRead read = detail::read_alone(bundle, frame, entry, created, nullptr);
            std::optional<model::Problem> problem;
            if (!read.problem.empty()) {
              problem.emplace(model::ProblemKind::unreadable,
                              entry.path,
                              str_cat("read from its frame: ", read.problem));
            }
            return std::pair(std::move(read.digest), std::move(problem));
          });
    }
  }

  // Hands the entry at `position`, stored in `member`, to a frame hasher when it is worth it
  // and allowed; true when it did, and the pass then skips its data unread.
  bool hash_from_its_frame(const Member& member, std::size_t position) {
    if (!m_from_frames || !member.is_stored
        || m_state.head.manifest.entries[position].size < k_lone_read_min_size) {
      return false;
    }
    m_from_frames->submit(position, member.frame);
    return true;
  }
  util::HashPipeline& in_order() { return m_in_order; }

  // Reports mismatches among the digests finished so far (Pending::leave) or, waiting for the
  // hashers, among all of them (Pending::wait); true when there were none.
  bool report_digests(Pending pending) {
    const bool wait = pending == Pending::wait;
    bool is_verified = report_mismatches(
        m_state, wait ? m_in_order.finish() : m_in_order.take_digests(), m_on_problem);
    if (m_from_frames) {
      const FrameHashers::Results results = wait ? m_from_frames->finish() : m_from_frames->take();
      is_verified = report_mismatches(m_state, results.digests, m_on_problem) && is_verified;
      for (const model::Problem& problem : results.problems) {
        (void)m_on_problem(problem);
      }
      is_verified = is_verified && results.problems.empty();
    }
    return is_verified;
  }

private:
  const ReaderState& m_state;
  const ProblemHandler& m_on_problem;
  util::HashPipeline m_in_order{4, detail::k_chunk_size};
  std::optional<FrameHashers> m_from_frames;
};

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
  // Without a sink nothing needs the bytes in order, and a single file can be skipped through.
  PayloadHashes hashes(state,
                       sink == nullptr && state.stream.source.can_skip() ? FrameReads::allowed
                                                                         : FrameReads::not_allowed,
                       on_problem);
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
      if (!hashes.hash_from_its_frame(*member, *position)) {
        open_entry.begin(entry);
        stream_entry(state, entry, hashes.in_order(), sink);
        hashes.in_order().end_stream(*position);
      }
      if (sink != nullptr) { // the sink must know now whether what it got is right
        const bool is_verified = hashes.report_digests(Pending::wait);
        open_entry.ended();
        sink->end(entry, is_verified);
      } else { // whatever is finished, so the digests of 100k entries never pile up
        (void)hashes.report_digests(Pending::leave);
      }
      totals.entries += 1;
      totals.bytes += entry.size;
    }
    (void)hashes.report_digests(Pending::wait);
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
      (void)hashes.report_digests(Pending::wait);
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
