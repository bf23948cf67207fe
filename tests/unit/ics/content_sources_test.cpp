#include "core/ics/content_sources.hpp"
#include "test_support.hpp"

namespace zbundle::ics {
namespace {

TEST(ImageContentSources, SortsSourcesAndKeepsMirrorOrder) {
  ImageContentSources sources;
  sources.add("z.io/b", "m2/b", MirrorKind::digest);
  sources.add("a.io/a", "m1/a", MirrorKind::digest);
  sources.add("z.io/b", "m1/b", MirrorKind::digest);
  ASSERT_EQ(sources.sources().size(), 2U);
  EXPECT_EQ(sources.sources()[0].source, "a.io/a");
  EXPECT_EQ(sources.sources()[1].source, "z.io/b");
  ASSERT_EQ(sources.sources()[1].mirrors.size(), 2U);
  EXPECT_EQ(sources.sources()[1].mirrors[0].location, "m2/b");
  EXPECT_EQ(sources.sources()[1].mirrors[1].location, "m1/b");
}

TEST(ImageContentSources, MergesDigestAndTagOfOneMirror) {
  ImageContentSources sources;
  sources.add("q.io/r", "m/r", MirrorKind::digest);
  sources.add("q.io/r", "m/r", MirrorKind::tag);
  sources.add("q.io/r", "m/r", MirrorKind::digest);
  ASSERT_EQ(sources.sources().size(), 1U);
  ASSERT_EQ(sources.sources()[0].mirrors.size(), 1U);
  EXPECT_TRUE(sources.sources()[0].mirrors[0].by_digest);
  EXPECT_TRUE(sources.sources()[0].mirrors[0].by_tag);
}

TEST(ImageContentSources, OnlySelectsOneKind) {
  ImageContentSources sources;
  sources.add("a.io/x", "m/x", MirrorKind::digest);
  sources.add("b.io/y", "m/y", MirrorKind::tag);
  sources.add("c.io/z", "m/z", MirrorKind::digest);
  sources.add("c.io/z", "m/z", MirrorKind::tag);
  const ImageContentSources digest = sources.only(MirrorKind::digest);
  ASSERT_EQ(digest.sources().size(), 2U);
  EXPECT_EQ(digest.sources()[0].source, "a.io/x");
  EXPECT_EQ(digest.sources()[1].source, "c.io/z");
  EXPECT_FALSE(digest.sources()[1].mirrors[0].by_tag);
  const ImageContentSources tag = sources.only(MirrorKind::tag);
  ASSERT_EQ(tag.sources().size(), 2U);
  EXPECT_EQ(tag.sources()[0].source, "b.io/y");
}

TEST(ImageContentSources, MergeIsUnionWithoutDuplicates) {
  ImageContentSources release;
  release.add("quay.io/openshift-release-dev/ocp-release",
              "m:1/openshift/release-images",
              MirrorKind::digest);
  ImageContentSources operators;
  operators.add(
      "quay.io/openshift-release-dev/ocp-release", "m:1/openshift/release-images", MirrorKind::tag);
  operators.add("registry.redhat.io/compliance", "m:1/compliance", MirrorKind::digest);
  release.merge(operators);
  release.merge(operators);
  ASSERT_EQ(release.sources().size(), 2U);
  EXPECT_EQ(release.sources()[0].mirrors.size(), 1U);
  EXPECT_TRUE(release.sources()[0].mirrors[0].by_tag);
}

TEST(ImageContentSources, NeverContactSourceWins) {
  ImageContentSources sources;
  sources.add("a.io/x", "m/x", MirrorKind::digest);
  sources.set_policy("a.io/x", SourcePolicy::never_contact_source);
  sources.set_policy("a.io/x", SourcePolicy::allow_contacting_source);
  EXPECT_EQ(sources.sources()[0].policy, SourcePolicy::never_contact_source);
}

TEST(ImageContentSources, WithMirrorMovesEveryMirrorAndMergesCollisions) {
  ImageContentSources sources;
  sources.add("quay.io/a", "old1.example:5000/a", MirrorKind::digest);
  sources.add("quay.io/a", "old2.example/a", MirrorKind::tag);
  const ImageContentSources moved = sources.with_mirror(parse_mirror_name("new.example:8443/ns"));
  ASSERT_EQ(moved.sources().size(), 1U);
  ASSERT_EQ(moved.sources()[0].mirrors.size(), 1U);
  EXPECT_EQ(moved.sources()[0].mirrors[0], (Mirror{"new.example:8443/ns/a", true, true}));
}

} // namespace
} // namespace zbundle::ics
