// Reading one payload entry again by seeking to its frame (bundle-schema/README.md section 7,
// "Reading an entry again"). Every check of the full pass that concerns one member applies.

#include "core/bundle/bundle_reader.hpp"
#include "core/bundle/bundle_reader_state.hpp"
#include "core/util/sha256.hpp"

#include <vector>

namespace zbundle::bundle {

bool BundleReader::reread_entry(std::size_t position,
                                EntrySink& sink,
                                const ProblemHandler& on_problem) {
  const Entry& entry = m_state->manifest.entries.at(position);
  const std::optional<FramePosition> frame =
      position < m_state->pass.frames.size() ? m_state->pass.frames[position] : std::nullopt;
  if (!frame) {
    on_problem(str_cat(entry.path, ": not found in the bundle's last read, so not read again"));
    return false;
  }
  bool has_begun = false;
  try {
    State alone(m_state->source.path()); // own files and decoder: the first pass stays intact
    alone.source.seek(*frame);
    alone.decoder.set_frame_limit([&](std::size_t) { return member_limit(entry.size); });
    alone.decoder.stop_after(1);
    alone.open();
    const std::optional<Member> member = alone.next_member();
    std::string refusal;
    if (!member || member->path != entry.path) {
      refusal = str_cat("its frame holds ", member ? member->path : "no member", " now");
    } else if (!member->refusal.empty() || !member->frame_problem.empty()) {
      refusal = member->refusal + member->frame_problem;
    } else if (member->size != entry.size) {
      refusal = str_cat(member->size, " bytes, the manifest says ", entry.size);
    }
    if (!refusal.empty()) {
      on_problem(str_cat(entry.path, ": read again: ", refusal));
      return false;
    }
    sink.begin(entry);
    has_begun = true;
    util::Sha256 hasher;
    std::vector<char> buffer(k_chunk_size);
    for (std::size_t got = alone.read_data(buffer); got > 0; got = alone.read_data(buffer)) {
      const auto bytes = std::as_bytes(std::span(buffer).first(got));
      hasher.update(bytes);
      sink.write(bytes);
    }
    const std::string actual = hasher.finish().substr(std::string_view("sha256:").size());
    const bool is_verified = actual == entry.sha256.hex();
    if (!is_verified) {
      on_problem(str_cat(entry.path,
                         ": read again: digest mismatch: expected sha256:",
                         entry.sha256.hex(),
                         ", got sha256:",
                         actual));
    }
    has_begun = false; // end() is said once, whatever it does
    sink.end(entry, is_verified);
    return is_verified;
  } catch (const Error& error) {
    if (error.kind() != ErrorKind::check && error.kind() != ErrorKind::input) {
      throw;
    }
    on_problem(str_cat(entry.path, ": read again: ", error.what()));
    if (has_begun) {
      sink.end(entry, false);
    }
    return false;
  }
}

} // namespace zbundle::bundle
