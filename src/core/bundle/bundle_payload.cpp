// The second half of the bundle reader: the payload, the index and the end of the archive
// (bundle-schema/README.md, rules R6-R11).

#include "core/bundle/bundle_reader.hpp"
#include "core/bundle/bundle_reader_state.hpp"
#include "core/util/hash_pipeline.hpp"

#include <algorithm>
#include <numeric>

namespace zbundle::bundle {

PayloadTotals BundleReader::read_payload(EntrySink* sink, const ProblemHandler& on_problem) {
  State& state = *m_state;
  const Manifest& manifest = state.manifest;
  PayloadPass& pass = state.pass = PayloadPass{}; // kept: reread_entry() seeks by its frames
  pass.frames.resize(manifest.entries.size());
  PayloadTotals totals;
  // Entries are hashed on a second core while this one decompresses and parses the next.
  util::HashPipeline hashes(4, k_chunk_size);
  const auto report_digests = [&](const auto& digests) {
    return report_mismatches(digests, on_problem);
  };
  try {
    std::optional<Member> member = state.next_member();
    if (member && member->path == k_signer_member && state.head_members == 2) {
      // A chain for --trust-ca readers; a pinned key does not need it (rule R1 allows it here).
      state.head_members = 3;
      member = state.next_member();
    }
    for (; member && member->path != k_index_member; member = state.next_member()) {
      const std::optional<std::size_t> position = match_member(*member, pass, on_problem);
      if (!position) {
        continue;
      }
      const Entry& entry = manifest.entries[*position];
      stream_entry(entry, hashes, sink);
      hashes.end_stream(*position);
      if (sink != nullptr) { // the sink must know now whether what it got is right
        sink->end(entry, report_digests(hashes.finish()));
      } else { // whatever is finished, so the digests of 100k entries never pile up
        (void)report_digests(hashes.take_digests());
      }
      totals.entries += 1;
      totals.bytes += entry.size;
    }
    (void)report_digests(hashes.finish());
    for (std::size_t i = 0; i < pass.frames.size(); ++i) {
      if (!pass.frames[i]) {
        on_problem(str_cat(manifest.entries[i].path, ": missing from the bundle"));
      }
    }
    if (!member) {
      on_problem(str_cat(state.source.path().string(), ": ends before ", k_index_member));
      return totals;
    }
    check_index(*member, pass.frames, on_problem);
  } catch (const Error& error) {
    if (error.kind() != ErrorKind::check) {
      throw;
    }
    (void)report_digests(hashes.finish());
    on_problem(error.what()); // the stream is unreadable from here on
  }
  return totals;
}

std::optional<std::size_t> BundleReader::PayloadPass::position_of(const std::vector<Entry>& entries,
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

// A digest-mismatch problem for each finished entry whose digest differs; true when none.
bool BundleReader::report_mismatches(
    const std::vector<std::pair<std::uint64_t, std::string>>& digests,
    const ProblemHandler& on_problem) const {
  bool is_verified = true;
  for (const auto& [position, digest] : digests) {
    const Entry& entry = m_state->manifest.entries[position];
    const std::string actual = digest.substr(std::string_view("sha256:").size());
    if (actual != entry.sha256.hex()) {
      is_verified = false;
      on_problem(str_cat(entry.path,
                         ": digest mismatch: expected sha256:",
                         entry.sha256.hex(),
                         ", got sha256:",
                         actual));
    }
  }
  return is_verified;
}

// The current member's bytes, once, to the hashing thread and the sink.
void BundleReader::stream_entry(const Entry& entry, util::HashPipeline& hashes, EntrySink* sink) {
  if (sink != nullptr) {
    sink->begin(entry);
  }
  for (std::span<char> chunk = hashes.next_buffer();; chunk = hashes.next_buffer()) {
    const std::size_t got = m_state->read_data(chunk);
    if (got == 0) {
      return;
    }
    hashes.submit(got);
    if (sink != nullptr) {
      sink->write(std::as_bytes(chunk.first(got)));
    }
  }
}

// Rules R7 and R8 for one payload member: which listed entry it is, or nullopt when its
// bytes are not to be read (reported).
std::optional<std::size_t> BundleReader::match_member(const Member& member,
                                                      PayloadPass& pass,
                                                      const ProblemHandler& on_problem) const {
  if (!member.frame_problem.empty()) {
    on_problem(str_cat(member.path, ": ", member.frame_problem));
  }
  if (!member.refusal.empty()) {
    on_problem(str_cat(member.path, ": ", member.refusal));
    return std::nullopt;
  }
  const std::optional<std::size_t> found = pass.position_of(m_state->manifest.entries, member.path);
  if (!found) {
    on_problem(str_cat(member.path, ": an entry the manifest does not list"));
    return std::nullopt;
  }
  const std::size_t position = *found;
  const Entry& entry = m_state->manifest.entries[position];
  if (pass.frames[position]) {
    on_problem(str_cat(entry.path, ": stored twice"));
    return std::nullopt;
  }
  if (position != pass.expected_next) {
    on_problem(str_cat(entry.path,
                       ": out of order: listed as entry ",
                       position + 1,
                       ", stored as entry ",
                       pass.expected_next + 1));
  }
  pass.expected_next = position + 1;
  pass.frames[position] = member.frame;
  if (member.size != entry.size) {
    on_problem(str_cat(entry.path, ": ", member.size, " bytes, the manifest says ", entry.size));
    return std::nullopt;
  }
  return position;
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
