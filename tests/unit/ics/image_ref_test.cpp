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
}

TEST(ImageRef, RejectsBadDigestTagAndRepository) {
  EXPECT_ZB_ERROR(
      static_cast<void>(parse_image_ref("quay.io/a/b@sha256:abc")), ErrorKind::input, "bad digest");
  EXPECT_ZB_ERROR(
      static_cast<void>(parse_image_ref("quay.io/a/b:-x")), ErrorKind::input, "bad tag");
  EXPECT_ZB_ERROR(static_cast<void>(parse_image_ref("quay.io/A/b")),
                  ErrorKind::input,
                  "bad repository component 'A'");
  EXPECT_ZB_ERROR(static_cast<void>(parse_image_ref("quay.io//b")),
                  ErrorKind::input,
                  "quay.io//b: not an image reference");
  EXPECT_ZB_ERROR(static_cast<void>(parse_image_ref("docker://")), ErrorKind::input, "empty");
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
