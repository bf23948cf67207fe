#include "core/ics/parse_mapping.hpp"
#include "test_support.hpp"

namespace zbundle::ics {
namespace {

const std::string k_mirror = "mirror.example.internal:8443";

// Expectations below are written from oc-mirror's rules (oc-mirror-formats.md 1.3, 2.3), not
// produced by running this code.
TEST(ParseMapping, V2RulesScopeAndKinds) {
  const ImageContentSources sources =
      parse_mapping(test::test_data("ocmirror/v2/mapping.txt"),
                    "mapping.txt",
                    MappingRules::oc_mirror_v2,
                    {"registry.redhat.io/redhat/redhat-operator-index"});
  ImageContentSources expected;
  // Release image: fixed repository, so repository scope; in IDMS and ITMS.
  expected.add("quay.io/openshift-release-dev/ocp-release",
               k_mirror + "/openshift/release-images",
               MirrorKind::digest);
  expected.add("quay.io/openshift-release-dev/ocp-release",
               k_mirror + "/openshift/release-images",
               MirrorKind::tag);
  // Release components by digest, repository scope.
  expected.add("quay.io/openshift-release-dev/ocp-v4.0-art-dev",
               k_mirror + "/openshift/release",
               MirrorKind::digest);
  // Operator image by digest: the destination ends with the source path, namespace scope.
  expected.add("registry.redhat.io/compliance", k_mirror + "/compliance", MirrorKind::digest);
  // Additional image by tag: namespace scope, ITMS only.
  expected.add("registry.redhat.io/rhel9", k_mirror + "/rhel9", MirrorKind::tag);
  EXPECT_EQ(sources, expected);
}

TEST(ParseMapping, V1RulesKeepDigestSourcesOnly) {
  const ImageContentSources sources = parse_mapping(
      test::test_data("ocmirror/v1/mapping.txt"), "mapping.txt", MappingRules::oc_mirror_v1, {});
  ImageContentSources expected;
  expected.add("quay.io/openshift-release-dev/ocp-release",
               k_mirror + "/openshift/release-images",
               MirrorKind::digest);
  expected.add("quay.io/openshift-release-dev/ocp-v4.0-art-dev",
               k_mirror + "/openshift/release",
               MirrorKind::digest);
  expected.add("registry.redhat.io/rhel9", k_mirror + "/rhel9", MirrorKind::digest);
  EXPECT_EQ(sources, expected);
}

TEST(ParseMapping, TagAndDigestSourceIsBothKindsUnderV2) {
  const std::string digest = "sha256:" + std::string(64, 'b');
  const ImageContentSources sources = parse_mapping(
      "docker://registry.redhat.io/ubi9/ubi:9.4@" + digest + "=docker://m.example/ubi9/ubi:9.4\n",
      "m",
      MappingRules::oc_mirror_v2,
      {});
  ASSERT_EQ(sources.sources().size(), 1U);
  EXPECT_EQ(sources.sources()[0].source, "registry.redhat.io/ubi9");
  EXPECT_EQ(sources.sources()[0].mirrors, std::vector({Mirror{"m.example/ubi9", true, true}}));
}

TEST(ParseMapping, RepositoryScopeWhenPathsDiffer) {
  const ImageContentSources sources = parse_mapping(
      "docker://quay.io/a/b:1=docker://m.example/c/d:1\n", "m", MappingRules::oc_mirror_v2, {});
  ASSERT_EQ(sources.sources().size(), 1U);
  EXPECT_EQ(sources.sources()[0].source, "quay.io/a/b");
  EXPECT_EQ(sources.sources()[0].mirrors[0].location, "m.example/c/d");
}

TEST(ParseMapping, SourceWithoutNamespaceBecomesTheRegistry) {
  const ImageContentSources sources = parse_mapping(
      "docker://quay.io/app:1=docker://m.example/app:1\n", "m", MappingRules::oc_mirror_v2, {});
  ASSERT_EQ(sources.sources().size(), 1U);
  EXPECT_EQ(sources.sources()[0].source, "quay.io");
  EXPECT_EQ(sources.sources()[0].mirrors[0].location, "m.example");
}

TEST(ParseMapping, BadLinesNameFileAndLine) {
  EXPECT_ZB_ERROR(static_cast<void>(parse_mapping(
                      "\nquay.io/a/b:1\n", "mapping.txt", MappingRules::oc_mirror_v2, {})),
                  ErrorKind::input,
                  "mapping.txt:2: not a mapping line");
  EXPECT_ZB_ERROR(static_cast<void>(parse_mapping("quay.io/a/b@sha256:12=m.example/a/b:1\n",
                                                  "mapping.txt",
                                                  MappingRules::oc_mirror_v2,
                                                  {})),
                  ErrorKind::input,
                  "mapping.txt:1: quay.io/a/b@sha256:12: not an image reference: bad digest");
  EXPECT_ZB_ERROR(
      static_cast<void>(parse_mapping("quay.io/a/b:1=file://oc-mirror-workspace/src/a/b:1\n",
                                      "mapping.txt",
                                      MappingRules::oc_mirror_v1,
                                      {})),
      ErrorKind::input,
      "both sides must name a registry");
}

} // namespace
} // namespace zbundle::ics
