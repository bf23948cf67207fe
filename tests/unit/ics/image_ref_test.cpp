#include "core/ics/image_ref.hpp"
#include "test_support.hpp"

namespace zbundle::ics {
namespace {

const std::string k_digest = "sha256:" + std::string(64, 'a');

TEST(ImageRef, ParsesRegistryRepositoryTagAndDigest) {
  const ImageRef ref =
      parse_image_ref("quay.io/openshift-release-dev/ocp-release:4.16.5-s390x@" + k_digest);
  EXPECT_EQ(ref.transport, "");
  EXPECT_EQ(ref.registry, "quay.io");
  EXPECT_EQ(ref.repository, "openshift-release-dev/ocp-release");
  EXPECT_EQ(ref.tag, "4.16.5-s390x");
  EXPECT_EQ(ref.digest, k_digest);
  EXPECT_EQ(ref.location(), "quay.io/openshift-release-dev/ocp-release");
}

TEST(ImageRef, StripsTransportsAndKeepsPorts) {
  const ImageRef ref = parse_image_ref("docker://localhost:55000/rhel9/postgresql-15:latest");
  EXPECT_EQ(ref.transport, "docker");
  EXPECT_EQ(ref.registry, "localhost:55000");
  EXPECT_EQ(ref.repository, "rhel9/postgresql-15");
  EXPECT_EQ(ref.tag, "latest");
  EXPECT_FALSE(ref.has_digest());
}

TEST(ImageRef, OciPathsHaveNoRegistry) {
  const ImageRef ref = parse_image_ref("oci:///home/user/catalog:v1");
  EXPECT_EQ(ref.transport, "oci");
  EXPECT_EQ(ref.registry, "");
  EXPECT_EQ(ref.repository, "/home/user/catalog");
}

TEST(ImageRef, NormalizesDockerHubShortNames) {
  EXPECT_EQ(parse_image_ref("busybox").location(), "docker.io/library/busybox");
  EXPECT_EQ(parse_image_ref("org/app:1").location(), "docker.io/org/app");
  // docker.io/nginx is docker.io/library/nginx to CRI-O and to oc-mirror (containers/image),
  // so that is where the mirror set must point.
  EXPECT_EQ(parse_image_ref("docker.io/nginx:1.25").location(), "docker.io/library/nginx");
  EXPECT_EQ(parse_image_ref("docker://docker.io/nginx").location(), "docker.io/library/nginx");
  EXPECT_EQ(parse_image_ref("quay.io/nginx").location(), "quay.io/nginx");
}

TEST(ImageRef, RejectsBadDigestTagAndRepository) {
  EXPECT_ZB_ERROR(
      static_cast<void>(parse_image_ref("quay.io/a/b@sha256:abc")), ErrorKind::input, "bad digest");
  EXPECT_ZB_ERROR(
      static_cast<void>(parse_image_ref("quay.io/a/b:-x")), ErrorKind::input, "bad tag");
  EXPECT_ZB_ERROR(
      static_cast<void>(parse_image_ref("quay.io/A/b")), ErrorKind::input, "bad repository 'A/b'");
  EXPECT_ZB_ERROR(static_cast<void>(parse_image_ref("quay.io//b")),
                  ErrorKind::input,
                  "quay.io//b: not an image reference");
  EXPECT_ZB_ERROR(static_cast<void>(parse_image_ref("docker://")), ErrorKind::input, "empty");
}

// distribution's grammar: what goes into a URL path or a file path as it is.
TEST(ImageRef, RepositoryPathsAndTagsFollowDistributionsGrammar) {
  for (const char* good : {"a", "openshift/release", "a.b/c_d/e__f/g-h/i---j", "x0/9y"}) {
    EXPECT_TRUE(is_repository_path(good)) << good;
  }
  for (const char* bad : {"",
                          "..",
                          ".",
                          "a/../b",
                          "a/./b",
                          "../../../v2/other",
                          "a//b",
                          "/a",
                          "a/",
                          "A",
                          "a b",
                          "a\r\nb",
                          ".a",
                          "a.",
                          "a_",
                          "-a",
                          "a___b",
                          "a..b",
                          "a%2e"}) {
    EXPECT_FALSE(is_repository_path(bad)) << bad;
  }
  EXPECT_FALSE(is_repository_path(std::string(256, 'a')));
  EXPECT_TRUE(is_tag("v4.16.5-s390x_1"));
  EXPECT_TRUE(is_tag("_x"));
  for (const char* bad : {"", ".x", "-x", "a b", "a\nb", "a/b", "a:b"}) {
    EXPECT_FALSE(is_tag(bad)) << bad;
  }
  EXPECT_FALSE(is_tag(std::string(129, 'a')));
  EXPECT_ZB_ERROR(
      static_cast<void>(parse_image_ref("quay.io/a\nb:1")),
      ErrorKind::input,
      "quay.io/a\\x0ab:1: not an image reference: holds a space or a control character");
}

TEST(ImageRef, RecognizesSha256Digests) {
  EXPECT_TRUE(is_sha256_digest(k_digest));
  EXPECT_FALSE(is_sha256_digest("sha256:" + std::string(63, 'a')));
  EXPECT_FALSE(is_sha256_digest("sha256:" + std::string(64, 'A')));
  EXPECT_FALSE(is_sha256_digest("sha512:" + std::string(64, 'a')));
  EXPECT_EQ(parent_path("a/b/c"), "a/b");
  EXPECT_EQ(parent_path("c"), "");
}

} // namespace
} // namespace zbundle::ics
