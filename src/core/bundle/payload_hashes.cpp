#include "core/bundle/payload_hashes.hpp"

#include "core/bundle/entry_reread.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/work_pool.hpp"

#include <algorithm>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

namespace zbundle::bundle::detail {
namespace {

using util::str_cat;

// Entries this large in stored frames are read by themselves; below this, opening a second
// reader costs more than it gains.
constexpr std::uint64_t k_lone_read_min_size = std::uint64_t{1} << 20;
// Each frame reader holds a reader (about 1.5 MiB) and, writing for a split sink, that sink's
// buffers; a few of them keep the cores busy.
constexpr unsigned k_max_frame_readers = 4;

} // namespace

// Workers that read big stored-frame entries from their frames, hashing each and handing its
// bytes to a split sink when there is one. Results are collected for the pass's own thread.
class FrameReaders {
public:
  struct Results {
    std::vector<std::pair<std::uint64_t, std::string>> digests;   // position, "sha256:<hex>"
    std::vector<std::pair<std::size_t, model::Problem>> problems; // position, why not read
  };

  explicit FrameReaders(const ReaderState& state)
      : m_bundle(state.stream.source.path()), m_created(state.stream.created),
        m_entries(state.head.manifest.entries),
        m_pool(std::min(util::WorkPool::worker_count(0), k_max_frame_readers),
               k_max_frame_readers) {}

  // `sink` (may be null) receives begin() and write() on the worker's thread.
  void submit(std::size_t position, FramePosition frame, EntrySink* sink) {
    m_pool.submit([this, position, frame, sink] {
      const Entry& entry = m_entries[position];
      LoneRead read = read_alone(m_bundle, frame, entry, m_created, sink);
      const std::scoped_lock lock(m_mutex);
      if (read.problem.empty()) {
        m_results.digests.emplace_back(position, std::move(read.digest));
      } else {
        m_results.problems.emplace_back(
            position,
            model::Problem{model::ProblemKind::unreadable,
                           entry.path,
                           str_cat("read from its frame: ", read.problem)});
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
  std::filesystem::path m_bundle;
  std::int64_t m_created;
  const std::vector<Entry>& m_entries;
  std::mutex m_mutex;
  Results m_results;
  util::WorkPool m_pool; // last: its workers use the rest
};

PayloadHashes::PayloadHashes(const ReaderState& state, const ProblemHandler& on_problem)
    : m_state(state), m_on_problem(on_problem), m_in_order(4, k_chunk_size) {
  if (state.stream.source.can_skip()) {
    m_frames = std::make_unique<FrameReaders>(state);
  }
}

PayloadHashes::~PayloadHashes() {
  m_frames.reset(); // its workers finish what they began, into the split sinks
  while (!m_split.empty()) {
    try {
      end_split(m_split.begin()->first, false);
    } catch (...) { // NOLINT(bugprone-empty-catch): the error that stopped the pass comes first
    }
  }
}

bool PayloadHashes::read_from_its_frame(const Member& member,
                                        std::size_t position,
                                        EntrySink* sink) {
  const Entry& entry = m_state.head.manifest.entries[position];
  if (!m_frames || !member.is_stored || entry.size < k_lone_read_min_size) {
    return false;
  }
  EntrySink* target = nullptr;
  if (sink != nullptr) {
    std::unique_ptr<EntrySink> split = sink->split(entry);
    if (!split) {
      return false;
    }
    target = split.get();
    m_split.emplace(position, std::move(split));
  }
  m_frames->submit(position, member.frame, target);
  return true;
}

bool PayloadHashes::matches(std::uint64_t position, const std::string& digest) const {
  const Entry& entry = m_state.head.manifest.entries[position];
  const std::string actual = digest.substr(std::string_view("sha256:").size());
  if (actual == entry.sha256.hex()) {
    return true;
  }
  (void)m_on_problem(
      {model::ProblemKind::digest_mismatch,
       entry.path,
       str_cat("digest mismatch: expected sha256:", entry.sha256.hex(), ", got sha256:", actual)});
  return false;
}

bool PayloadHashes::report_in_order(Pending pending) {
  const auto digests = pending == Pending::wait ? m_in_order.finish() : m_in_order.take_digests();
  bool is_verified = true;
  for (const auto& [position, digest] : digests) {
    is_verified = matches(position, digest) && is_verified;
  }
  return is_verified;
}

bool PayloadHashes::report_frames(Pending pending) {
  if (!m_frames) {
    return true;
  }
  FrameReaders::Results results = pending == Pending::wait ? m_frames->finish() : m_frames->take();
  bool all_verified = true;
  for (auto& [position, problem] : results.problems) {
    all_verified = false;
    (void)m_on_problem(problem);
    end_split(position, false);
  }
  for (const auto& [position, digest] : results.digests) {
    const bool is_verified = matches(position, digest);
    all_verified = all_verified && is_verified;
    end_split(position, is_verified);
  }
  return all_verified;
}

void PayloadHashes::end_split(std::size_t position, bool is_verified) {
  const auto found = m_split.find(position);
  if (found == m_split.end()) {
    return;
  }
  const std::unique_ptr<EntrySink> sink = std::move(found->second);
  m_split.erase(found);
  sink->end(m_state.head.manifest.entries[position], is_verified);
}

} // namespace zbundle::bundle::detail
