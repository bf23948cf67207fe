#include "core/check/seal_gate.hpp"
#include "test_support.hpp"

namespace zbundle::check {
namespace {

using model::Problem;
using model::ProblemKind;

const std::vector<Problem> k_found{
    {ProblemKind::missing_image,
     "registry.redhat.io/ubi9/ubi:9",
     "ubi9/ubi:9",
     "not in the mirror"},
    {ProblemKind::release_arch, "openshift/release-images:4.16.5-s390x", "amd64", "s390x"},
    {ProblemKind::missing_image, "quay.io/a/b:1", "a/b:1", "not in the mirror"},
};

TEST(SealGate, NothingFoundNothingWaived) {
  EXPECT_TRUE(judge({}, {}).empty());
  EXPECT_TRUE(judge({}, {ProblemKind::missing_image}).empty());
}

TEST(SealGate, RefusesNamingEveryProblemAndTheAllowThatWouldWaiveThem) {
  EXPECT_ZB_ERROR(static_cast<void>(judge(k_found, {ProblemKind::missing_image})),
                  ErrorKind::check,
                  "not signed: 1 problems would fail the installation (see zbundle "
                  "verify-digests); to sign anyway: --allow release-arch:\n  release-arch: "
                  "openshift/release-images:4.16.5-s390x: expected amd64, got s390x");
  EXPECT_ZB_ERROR(static_cast<void>(judge(k_found, {})),
                  ErrorKind::check,
                  "--allow release-arch,missing-image:");
  // a byte fault: no advice to waive it
  try {
    (void)judge({{ProblemKind::digest_mismatch, "blobs/x", "sha256:a", "sha256:b"}},
                {ProblemKind::missing_image});
    FAIL() << "a digest mismatch was signed";
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()).find("--allow"), std::string::npos) << error.what();
  }
}

// In the order of model::ProblemKind, which the manifest keeps.
TEST(SealGate, WaiversOnePerKindInKindOrder) {
  const std::vector<model::Waiver> waivers =
      judge(k_found, {ProblemKind::missing_image, ProblemKind::release_arch});
  ASSERT_EQ(waivers.size(), 2U);
  EXPECT_EQ(waivers[0].kind, ProblemKind::release_arch);
  EXPECT_EQ(waivers[1].kind, ProblemKind::missing_image);
  EXPECT_EQ(waivers[1].problems,
            (std::vector<std::string>{
                "registry.redhat.io/ubi9/ubi:9: expected ubi9/ubi:9, got not in the mirror",
                "quay.io/a/b:1: expected a/b:1, got not in the mirror"}));
}

TEST(SealGate, OnlyWhatAnInstallationCanDoWithoutIsWaivable) {
  EXPECT_EQ(parse_waivable_kinds("missing-image,,release-arch"),
            (std::set{ProblemKind::missing_image, ProblemKind::release_arch}));
  EXPECT_TRUE(parse_waivable_kinds("").empty());
  for (const char* kind : {"digest-mismatch",
                           "size-mismatch",
                           "media-type-mismatch",
                           "bad-manifest",
                           "dangling-tag",
                           "missing-blob",
                           "unreadable"}) {
    EXPECT_ZB_ERROR(
        static_cast<void>(parse_waivable_kinds(kind)), ErrorKind::usage, "cannot be waived");
  }
  EXPECT_ZB_ERROR(static_cast<void>(parse_waivable_kinds("missing\x1b[0m")),
                  ErrorKind::usage,
                  "no such problem kind");
}

} // namespace
} // namespace zbundle::check
