#include "core/ics/parse_mirror_sets.hpp"
#include "test_support.hpp"

namespace zbundle::ics {
namespace {

const std::string k_mirror = "mirror.example.internal:8443";

Mirror digest_mirror(const std::string& location) {
  return Mirror{location, true, false};
}
Mirror tag_mirror(const std::string& location) {
  return Mirror{location, false, true};
}

TEST(ParseMirrorSets, ReadsV1IcspStreamWithLeadingSeparators) {
  const ImageContentSources sources =
      parse_mirror_sets(test::test_data("ocmirror/v1/imageContentSourcePolicy.yaml"), "icsp.yaml");
  ASSERT_EQ(sources.sources().size(), 5U);
  EXPECT_EQ(sources.sources()[0].source, "quay.io/openshift-release-dev/ocp-release");
  EXPECT_EQ(sources.sources()[0].mirrors,
            std::vector{digest_mirror(k_mirror + "/openshift/release-images")});
  EXPECT_EQ(sources.sources()[1].source, "quay.io/openshift-release-dev/ocp-v4.0-art-dev");
  EXPECT_EQ(sources.sources()[4].source, "registry.redhat.io/rhel9");
  EXPECT_EQ(sources.sources()[4].mirrors, std::vector{digest_mirror(k_mirror + "/rhel9")});
}

TEST(ParseMirrorSets, IdmsIsDigestItmsIsTag) {
  ImageContentSources sources =
      parse_mirror_sets(test::test_data("ocmirror/v2/idms-oc-mirror.yaml"), "idms");
  sources.merge(parse_mirror_sets(test::test_data("ocmirror/v2/itms-oc-mirror.yaml"), "itms"));
  ASSERT_EQ(sources.sources().size(), 6U);
  // The release image is in both (oc-mirror-formats.md 2.3).
  EXPECT_EQ(sources.sources()[0].source, "quay.io/openshift-release-dev/ocp-release");
  EXPECT_EQ(sources.sources()[0].mirrors,
            std::vector({Mirror{k_mirror + "/openshift/release-images", true, true}}));
  // rhel9 only in the ITMS.
  EXPECT_EQ(sources.sources()[4].source, "registry.redhat.io/rhel9");
  EXPECT_EQ(sources.sources()[4].mirrors, std::vector{tag_mirror(k_mirror + "/rhel9")});
}

TEST(ParseMirrorSets, ReadsTheHcpList) {
  const ImageContentSources sources =
      parse_mirror_sets(test::test_data("ocmirror/hcp-icsp.yaml"), "icsp.yaml");
  ASSERT_EQ(sources.sources().size(), 5U);
  EXPECT_EQ(sources.sources()[2].source, "registry.redhat.io/compliance");
  EXPECT_TRUE(sources.sources()[2].mirrors[0].by_digest);
}

TEST(ParseMirrorSets, ReadsSourcePolicyAndSkipsEmptyDocumentsAndMirrorlessEntries) {
  const ImageContentSources sources = parse_mirror_sets(R"(---
---
apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata: {name: x}
spec:
  imageDigestMirrors:
  - source: registry.redhat.io/openshift4
    mirrors: [m.example/openshift4]
    mirrorSourcePolicy: NeverContactSource
  - source: registry.redhat.io/none
---
)",
                                                        "x.yaml");
  ASSERT_EQ(sources.sources().size(), 1U);
  EXPECT_EQ(sources.sources()[0].source, "registry.redhat.io/openshift4");
  EXPECT_EQ(sources.sources()[0].policy, SourcePolicy::never_contact_source);
}

TEST(ParseMirrorSets, DuplicateNamesAcrossDocumentsAreFine) {
  const std::string doc =
      "---\nkind: ImageContentSourcePolicy\nmetadata: {name: generic-0}\nspec:\n"
      "  repositoryDigestMirrors:\n  - {source: a.io/x, mirrors: [m/x]}\n";
  const ImageContentSources sources = parse_mirror_sets(doc + doc, "icsp.yaml");
  ASSERT_EQ(sources.sources().size(), 1U);
}

TEST(ParseMirrorSets, OtherKindsAreRefusedWithFileAndLine) {
  EXPECT_ZB_ERROR(
      static_cast<void>(parse_mirror_sets(
          test::test_data("ocmirror/v2/cs-redhat-operator-index-v4-16.yaml"), "cs.yaml")),
      ErrorKind::input,
      "cs.yaml:1: not an ImageContentSourcePolicy, ImageDigestMirrorSet or ImageTagMirrorSet (kind "
      "CatalogSource)");
  EXPECT_ZB_ERROR(static_cast<void>(parse_mirror_sets("---\nfoo: bar\n", "x.yaml")),
                  ErrorKind::input,
                  "x.yaml:2: not a mirror set: no kind");
}

TEST(ParseMirrorSets, MalformedYamlNamesFileAndLine) {
  EXPECT_ZB_ERROR(static_cast<void>(parse_mirror_sets(
                      "kind: ImageDigestMirrorSet\nspec:\n  imageDigestMirrors: [\n", "bad.yaml")),
                  ErrorKind::input,
                  "bad.yaml:");
  EXPECT_ZB_ERROR(static_cast<void>(parse_mirror_sets("a: b\n  c: d: e\n", "bad.yaml")),
                  ErrorKind::input,
                  "bad.yaml:2: malformed YAML");
}

TEST(ParseMirrorSets, EntriesNeedSourceAndListMirrors) {
  EXPECT_ZB_ERROR(
      static_cast<void>(parse_mirror_sets(
          "kind: ImageTagMirrorSet\nspec:\n  imageTagMirrors:\n  - mirrors: [a]\n", "t.yaml")),
      ErrorKind::input,
      "t.yaml:4: imageTagMirrors entry has no source");
  EXPECT_ZB_ERROR(
      static_cast<void>(parse_mirror_sets(
          "kind: ImageTagMirrorSet\nspec:\n  imageTagMirrors:\n  - {source: a, mirrors: b}\n",
          "t.yaml")),
      ErrorKind::input,
      "mirrors is not a list");
  EXPECT_ZB_ERROR(static_cast<void>(parse_mirror_sets(
                      "kind: ImageDigestMirrorSet\nspec:\n  imageDigestMirrors:\n  - {source: a, "
                      "mirrors: [b], mirrorSourcePolicy: Sometimes}\n",
                      "p.yaml")),
                  ErrorKind::input,
                  "unknown mirrorSourcePolicy 'Sometimes'");
}

} // namespace
} // namespace zbundle::ics
