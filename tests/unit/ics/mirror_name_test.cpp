#include "core/ics/mirror_name.hpp"
#include "test_support.hpp"

namespace zbundle::ics {
namespace {

TEST(MirrorName, ParsesHostPortAndNamespace) {
  const MirrorName name = parse_mirror_name("mirror.example:8443/ocp/mirror");
  EXPECT_EQ(name.host, "mirror.example");
  ASSERT_TRUE(name.port.has_value());
  EXPECT_EQ(*name.port, 8443);
  EXPECT_EQ(name.name_space, "ocp/mirror");
  EXPECT_EQ(name.registry(), "mirror.example:8443");
  EXPECT_EQ(name.location(), "mirror.example:8443/ocp/mirror");
}

TEST(MirrorName, ConfigMapKeyUsesTwoDotsBeforeThePort) {
  EXPECT_EQ(parse_mirror_name("mirror.example:8443").configmap_key(), "mirror.example..8443");
  EXPECT_EQ(parse_mirror_name("mirror.example").configmap_key(), "mirror.example");
  EXPECT_EQ(parse_mirror_name("10.1.2.3:5000/ns").configmap_key(), "10.1.2.3..5000");
  EXPECT_ZB_ERROR(static_cast<void>(parse_mirror_name("[fd00::1]:8443").configmap_key()),
                  ErrorKind::input,
                  "[fd00::1]: cannot be a ConfigMap key");
}

TEST(MirrorName, CertsDirectoryKeepsTheLiteralColon) {
  EXPECT_EQ(parse_mirror_name("mirror.example:8443/ns").certs_d_directory(), "mirror.example:8443");
  EXPECT_EQ(parse_mirror_name("mirror.example").certs_d_directory(), "mirror.example");
  EXPECT_EQ(parse_mirror_name("[fd00::1]:8443").certs_d_directory(), "[fd00::1]:8443");
}

TEST(MirrorName, AuthFileKeyIsHostAndPort) {
  EXPECT_EQ(parse_mirror_name("mirror.example:8443/a/b").auth_file_key(), "mirror.example:8443");
  EXPECT_EQ(parse_mirror_name("mirror.example").auth_file_key(), "mirror.example");
  EXPECT_EQ(parse_mirror_name("[fd00::1]").auth_file_key(), "[fd00::1]");
}

TEST(MirrorName, RejectsWhatCannotBecomeAPath) {
  EXPECT_ZB_ERROR(static_cast<void>(parse_mirror_name("")), ErrorKind::usage, "empty");
  EXPECT_ZB_ERROR(static_cast<void>(parse_mirror_name("https://mirror.example")),
                  ErrorKind::usage,
                  "without a scheme");
  EXPECT_ZB_ERROR(static_cast<void>(parse_mirror_name("../etc:1")),
                  ErrorKind::usage,
                  "is not a DNS name or IP address");
  EXPECT_ZB_ERROR(static_cast<void>(parse_mirror_name("mirror_example")),
                  ErrorKind::usage,
                  "is not a DNS name");
  EXPECT_ZB_ERROR(static_cast<void>(parse_mirror_name("-mirror.example")),
                  ErrorKind::usage,
                  "is not a DNS name");
  EXPECT_ZB_ERROR(
      static_cast<void>(parse_mirror_name("mirror.example:0")), ErrorKind::usage, "bad port '0'");
  EXPECT_ZB_ERROR(
      static_cast<void>(parse_mirror_name("mirror.example:65536")), ErrorKind::usage, "bad port");
  EXPECT_ZB_ERROR(
      static_cast<void>(parse_mirror_name("mirror.example:")), ErrorKind::usage, "empty port");
  EXPECT_ZB_ERROR(static_cast<void>(parse_mirror_name("mirror.example/../x")),
                  ErrorKind::usage,
                  "bad namespace component '..'");
  EXPECT_ZB_ERROR(static_cast<void>(parse_mirror_name("mirror.example/Upper")),
                  ErrorKind::usage,
                  "bad namespace component");
  EXPECT_ZB_ERROR(static_cast<void>(parse_mirror_name("[fd00::zz]:1")),
                  ErrorKind::usage,
                  "is not an IPv6 address");
  EXPECT_ZB_ERROR(static_cast<void>(parse_mirror_name("[fd00::1")), ErrorKind::usage, "unclosed");
}

// oc-mirror's WithMaxNestedPaths: N-1 components kept, the rest joined with '-'.
TEST(MirrorName, NestedPathsLimitedAsOcMirrorDoes) {
  EXPECT_EQ(limit_nested_paths("a/b/c/d", 0), "a/b/c/d");
  EXPECT_EQ(limit_nested_paths("a/b/c/d", 1), "a-b-c-d");
  EXPECT_EQ(limit_nested_paths("a/b/c/d", 2), "a/b-c-d");
  EXPECT_EQ(limit_nested_paths("a/b/c/d", 3), "a/b/c-d");
  EXPECT_EQ(limit_nested_paths("a/b/c/d", 4), "a/b/c/d");
  EXPECT_EQ(limit_nested_paths("a/b/c/d", 9), "a/b/c/d");
  EXPECT_EQ(limit_nested_paths(limit_nested_paths("a/b/c/d", 2), 2), "a/b-c-d");
  EXPECT_EQ(limit_reference_nested_paths("m.example:5000/ns/openshift/release-images:4.16", 2),
            "m.example:5000/ns/openshift-release-images:4.16");
  EXPECT_EQ(limit_reference_nested_paths("m.example/ns/redhat/index@sha256:ab", 2),
            "m.example/ns/redhat-index@sha256:ab");
  EXPECT_EQ(limit_reference_nested_paths("[fd00::1]:5000/a/b/c", 1), "[fd00::1]:5000/a-b-c");
  EXPECT_EQ(limit_reference_nested_paths("m.example", 1), "m.example");
}

TEST(MirrorName, RewriteKeepsThePathBelowTheRegistry) {
  const MirrorName target = parse_mirror_name("new.example:5000/team");
  EXPECT_EQ(rewrite_mirror_location("old.example:8443/openshift/release", target),
            "new.example:5000/team/openshift/release");
  EXPECT_EQ(rewrite_mirror_location("old.example", target), "new.example:5000/team");
}

} // namespace
} // namespace zbundle::ics
