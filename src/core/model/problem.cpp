#include "core/model/problem.hpp"

#include "core/util/str_cat.hpp"

#include <utility>

namespace zbundle::model {

std::optional<ProblemKind> parse_problem_kind(std::string_view name) noexcept {
  for (int kind = 0; kind <= static_cast<int>(ProblemKind::bad_index); ++kind) {
    if (problem_kind_name(static_cast<ProblemKind>(kind)) == name) {
      return static_cast<ProblemKind>(kind);
    }
  }
  return std::nullopt;
}

std::string_view problem_kind_name(ProblemKind kind) noexcept {
  switch (kind) {
  case ProblemKind::missing_blob:
    return "missing-blob";
  case ProblemKind::digest_mismatch:
    return "digest-mismatch";
  case ProblemKind::size_mismatch:
    return "size-mismatch";
  case ProblemKind::media_type_mismatch:
    return "media-type-mismatch";
  case ProblemKind::bad_manifest:
    return "bad-manifest";
  case ProblemKind::dangling_tag:
    return "dangling-tag";
  case ProblemKind::release_arch:
    return "release-arch";
  case ProblemKind::missing_signature:
    return "missing-signature";
  case ProblemKind::unverified_signature:
    return "unverified-signature";
  case ProblemKind::invalid_signature:
    return "invalid-signature";
  case ProblemKind::missing_arch:
    return "missing-arch";
  case ProblemKind::missing_image:
    return "missing-image";
  case ProblemKind::schema1:
    return "schema1";
  case ProblemKind::foreign_layer:
    return "foreign-layer";
  case ProblemKind::missing_agent_content:
    return "missing-agent-content";
  case ProblemKind::unreadable:
    return "unreadable";
  case ProblemKind::missing_entry:
    return "missing-entry";
  case ProblemKind::unlisted_entry:
    return "unlisted-entry";
  case ProblemKind::misplaced:
    return "misplaced";
  case ProblemKind::bad_header:
    return "bad-header";
  case ProblemKind::bad_signature:
    return "bad-signature";
  case ProblemKind::bad_index:
    return "bad-index";
  }
  return "unknown";
}

Problem::Problem(ProblemKind of, std::string what, std::string why)
    : kind(of), subject(std::move(what)), detail(std::move(why)) {}

Problem::Problem(ProblemKind of, std::string what, std::string should_be, std::string is)
    : kind(of), subject(std::move(what)),
      detail(util::str_cat("expected ", should_be, ", got ", is)), expected(std::move(should_be)),
      actual(std::move(is)) {}

std::string to_text(const Problem& problem) {
  return problem.subject.empty() ? problem.detail
                                 : util::str_cat(problem.subject, ": ", problem.detail);
}

} // namespace zbundle::model
