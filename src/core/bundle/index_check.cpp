// The end of a bundle (bundle-schema/README.md rules R9 and R11): the index and its signature,
// every frame where the index says, nothing after the index signature, and the end-of-archive
// blocks as one last frame.

#include "core/bundle/index_check.hpp"

#include "core/bundle/bundle_index.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/untrusted_text.hpp"

namespace zbundle::bundle::detail {

using util::str_cat;

void check_index_and_end(ReaderState& state,
                         const Member& index_member,
                         const ProblemHandler& on_problem) {
  const std::vector<std::optional<FramePosition>>& frames = state.pass.frames;
  MemberStream& stream = state.stream;
  const SignedHead& head = state.head;
  stream.report_header(index_member, on_problem);
  const std::string index = stream.read_whole(index_member, k_index_limit);
  const Member signature_member = stream.expect_member(k_index_signature_member, k_signature_limit);
  stream.report_header(signature_member, on_problem);
  const std::string signature = stream.read_whole(signature_member, k_signature_limit);
  if (!head.key) {
    (void)on_problem({model::ProblemKind::bad_signature,
                      std::string(k_index_signature_member),
                      "not checked: no trusted key"});
  } else if (!head.key->verify(std::as_bytes(std::span(index.data(), index.size())),
                               std::as_bytes(std::span(signature.data(), signature.size())))) {
    (void)on_problem({model::ProblemKind::bad_signature,
                      std::string(k_index_signature_member),
                      str_cat("the signature does not verify with the trusted ", head.signer)});
  } else {
    try {
      const std::vector<IndexFrame> listed = parse_index(
          index, head.manifest, head.manifest.volumes.empty() ? head.manifest_sha256 : "");
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
        (void)on_problem(
            {model::ProblemKind::misplaced,
             std::string(k_index_member),
             str_cat(differing, " frames are not where the index says; first: ", first)});
      }
    } catch (const Error& error) {
      (void)on_problem({model::ProblemKind::bad_index, "", error.what()});
    }
  }
  if (const std::optional<Member> extra = stream.next_member()) {
    (void)on_problem({model::ProblemKind::unlisted_entry,
                      util::printable(extra->path),
                      str_cat("a member after ", k_index_signature_member)});
    return;
  }
  const std::optional<FrameStart> trailer = stream.decoder.peek_frame();
  while (!stream.decoder.next().empty()) {
  }
  stream.decoder.pop_frame();
  if (!trailer || stream.decoder.peek_frame()
      || stream.decoder.decompressed_total() - trailer->decompressed != k_tar_end_size) {
    (void)on_problem(
        {model::ProblemKind::bad_header,
         stream.source.path().string(),
         "the end of the archive is not one frame of two zero blocks (trailing data?)"});
  }
}

} // namespace zbundle::bundle::detail
