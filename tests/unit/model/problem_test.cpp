#include "core/model/problem.hpp"

#include <gtest/gtest.h>

namespace zbundle::model {
namespace {

// A comparison keeps both sides for --json and tells them in its detail; a problem told in words
// has no sides. Text names the subject first, or gives the detail alone.
TEST(Problem, ComparisonsAndWordsRenderAsTheCommandsPrintThem) {
  const Problem mismatch(ProblemKind::digest_mismatch, "blobs/x/data", "sha256:aa", "sha256:bb");
  EXPECT_EQ(mismatch.detail, "expected sha256:aa, got sha256:bb");
  EXPECT_EQ(mismatch.expected, "sha256:aa");
  EXPECT_EQ(mismatch.actual, "sha256:bb");
  EXPECT_EQ(to_text(mismatch), "blobs/x/data: expected sha256:aa, got sha256:bb");

  const Problem told(ProblemKind::unlisted_entry, "registry/x", "stored twice");
  EXPECT_TRUE(told.expected.empty());
  EXPECT_EQ(to_text(told), "registry/x: stored twice");
  EXPECT_EQ(to_text(Problem(ProblemKind::unreadable, "", "b.zb: truncated")), "b.zb: truncated");
}

TEST(Problem, EveryKindHasItsName) {
  EXPECT_EQ(problem_kind_name(ProblemKind::missing_blob), "missing-blob");
  EXPECT_EQ(problem_kind_name(ProblemKind::bad_index), "bad-index");
  for (int kind = 0; kind <= static_cast<int>(ProblemKind::bad_index); ++kind) {
    EXPECT_NE(problem_kind_name(static_cast<ProblemKind>(kind)), "unknown") << kind;
  }
}

} // namespace
} // namespace zbundle::model
