#include "core/bundle/member_stream.hpp"

#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/untrusted_text.hpp"

namespace zbundle::bundle::detail {

using util::str_cat;

MemberStream::MemberStream(const std::filesystem::path& path)
    : source(path), decoder(source), m_tar(decoder, path.string()) {}

std::optional<Member> MemberStream::next_member() {
  const std::optional<TarMember> header = m_tar.next();
  if (!header) {
    return std::nullopt;
  }
  Member member;
  member.path = header->path;
  member.size = header->size;
  member.mtime = header->mtime;
  member.refusal = header->refusal;
  std::optional<FrameStart> frame = decoder.peek_frame();
  bool has_extra = false;
  while (frame && frame->decompressed < header->header_offset) { // a frame boundary inside
    has_extra = true;                                            // the previous member
    decoder.pop_frame();
    frame = decoder.peek_frame();
  }
  if (!frame || frame->decompressed != header->header_offset) {
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

Member MemberStream::expect_member(std::string_view path, std::uint64_t limit) {
  const std::optional<Member> member = next_member();
  if (!member || member->path != path) {
    throw Error(ErrorKind::check,
                str_cat(source.path().string(),
                        ": ",
                        path,
                        " must come next, found ",
                        member ? util::printable(member->path) : "the end of the archive"));
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

std::string MemberStream::read_whole(const Member& member, std::uint64_t limit) {
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

std::string MemberStream::time_problem(const Member& member) const {
  if (member.mtime == created) {
    return {};
  }
  return str_cat(
      "its tar header's time ", member.mtime, " is not the manifest's created time ", created);
}

std::vector<model::Problem> MemberStream::header_problems(const Member& member) const {
  std::vector<model::Problem> problems;
  const std::string path = util::printable(member.path);
  if (!member.frame_problem.empty()) {
    problems.emplace_back(model::ProblemKind::bad_header, path, member.frame_problem);
  }
  if (!member.refusal.empty()) {
    problems.emplace_back(model::ProblemKind::bad_header, path, member.refusal);
  } else if (std::string problem = time_problem(member); !problem.empty()) {
    problems.emplace_back(model::ProblemKind::bad_header, path, std::move(problem));
  }
  return problems;
}

void MemberStream::require_sound_header(const Member& member) const {
  if (const std::vector<model::Problem> problems = header_problems(member); !problems.empty()) {
    throw Error(ErrorKind::check, model::to_text(problems.front()));
  }
}

void MemberStream::report_header(const Member& member, const ProblemHandler& on_problem) const {
  for (const model::Problem& problem : header_problems(member)) {
    (void)on_problem(problem);
  }
}

} // namespace zbundle::bundle::detail
