#pragma once

// Where the payload pass hashes entries (internal to the bundle reader): in order on a second
// core, or, for big stored-frame entries of a single-file bundle, each by itself on a worker
// that reads it again from the frame the pass found for it while the pass skips its data
// unread. One SHA-256 stream runs on one core; this is how verify and expand use several.

#include "core/bundle/bundle_reader.hpp"
#include "core/bundle/member_stream.hpp"
#include "core/bundle/reader_state.hpp"
#include "core/util/hash_pipeline.hpp"

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace zbundle::bundle::detail {

class FrameReaders;

// What a report does with the hashing still under way.
enum class Pending { leave, wait };

class PayloadHashes {
public:
  PayloadHashes(const ReaderState& state, const ProblemHandler& on_problem);
  PayloadHashes(const PayloadHashes&) = delete;
  PayloadHashes& operator=(const PayloadHashes&) = delete;
  // Stops the workers, then ends every split sink not yet ended, unverified.
  ~PayloadHashes();

  // Hands the entry at `position`, stored in `member`, to a frame reader when it is big enough
  // and the bundle can be skipped through; with a sink, only when the sink splits off one of
  // its own for it (EntrySink::split). True when it did: the pass then skips the data unread.
  bool read_from_its_frame(const Member& member, std::size_t position, EntrySink* sink);
  util::HashPipeline& in_order() { return m_in_order; }

  // Report mismatches (and the frame readers' problems) among what is finished (Pending::leave)
  // or all of it (Pending::wait), and end the split sinks whose entries are done, on this
  // thread. True when there were none.
  bool report_in_order(Pending pending);
  bool report_frames(Pending pending);
  bool report_digests(Pending pending) {
    const bool in_order = report_in_order(pending);
    return report_frames(pending) && in_order;
  }

private:
  // True when `digest` ("sha256:<hex>") is what the manifest lists for entry `position`;
  // reports a digest mismatch when not.
  bool matches(std::uint64_t position, const std::string& digest) const;
  void end_split(std::size_t position, bool is_verified);

  const ReaderState& m_state;
  const ProblemHandler& m_on_problem;
  util::HashPipeline m_in_order;
  // The sinks split off for entries the frame readers write; before m_frames, whose workers
  // write into them and must stop first.
  std::map<std::size_t, std::unique_ptr<EntrySink>> m_split;
  std::unique_ptr<FrameReaders> m_frames; // null when the bundle cannot be skipped through
};

} // namespace zbundle::bundle::detail
