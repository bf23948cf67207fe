#include "core/oci/manifest.hpp"
#include "test_support.hpp"

namespace zbundle::oci {
namespace {

using test::fake_digest;

std::string descriptor(char c, int size, const std::string& extra = "") {
  return R"({"mediaType":"m","digest":")" + fake_digest(c) + R"(","size":)" + std::to_string(size)
         + extra + "}";
}

TEST(ParseManifest, OciImageManifest) {
  const Manifest manifest = parse_manifest(
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":)"
          + descriptor('a', 10) + R"(,"layers":[)" + descriptor('b', 20) + "]}",
      "m");
  EXPECT_EQ(manifest.kind, ManifestKind::oci_manifest);
  ASSERT_TRUE(manifest.config.has_value());
  EXPECT_EQ(manifest.config->digest, fake_digest('a'));
  ASSERT_EQ(manifest.layers.size(), 1U);
  EXPECT_EQ(manifest.layers[0].size, 20U);
}

TEST(ParseManifest, OciIndexWithPlatformsEvenWithoutMediaType) {
  const Manifest index = parse_manifest(
      R"({"schemaVersion":2,"manifests":[)"
          + descriptor('a', 1, R"(,"platform":{"os":"linux","architecture":"s390x"})") + "]}",
      "i");
  EXPECT_EQ(index.kind, ManifestKind::oci_index);
  ASSERT_EQ(index.children.size(), 1U);
  EXPECT_EQ(index.children[0].platform, "linux/s390x");
}

TEST(ParseManifest, DockerSchema2AndManifestList) {
  EXPECT_EQ(
      parse_manifest(
          R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":)"
              + descriptor('a', 1) + R"(,"layers":[]})",
          "d")
          .kind,
      ManifestKind::docker_manifest);
  const Manifest list = parse_manifest(
      R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[)"
          + descriptor('a', 1) + "]}",
      "l");
  EXPECT_EQ(list.kind, ManifestKind::docker_manifest_list);
  EXPECT_TRUE(list.is_index());
}

TEST(ParseManifest, Schema1AndForeignLayersAreRecognized) {
  EXPECT_EQ(parse_manifest(R"({"schemaVersion":1,"fsLayers":[]})", "s").kind,
            ManifestKind::docker_schema1);
  const Manifest manifest = parse_manifest(
      R"({"schemaVersion":2,"config":)" + descriptor('a', 1)
          + R"(,"layers":[{"mediaType":"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip","digest":")"
          + fake_digest('b') + R"(","size":5,"urls":["https://example/layer"]}]})",
      "f");
  EXPECT_TRUE(manifest.layers.at(0).is_foreign);
}

TEST(ParseManifest, BrokenInputIsNamed) {
  EXPECT_ZB_ERROR(static_cast<void>(parse_manifest("{", "repo:tag")),
                  ErrorKind::input,
                  "repo:tag: malformed JSON");
  EXPECT_ZB_ERROR(static_cast<void>(parse_manifest("{}", "x")),
                  ErrorKind::input,
                  "not a manifest: no schemaVersion");
  EXPECT_ZB_ERROR(static_cast<void>(parse_manifest(R"({"schemaVersion":2,"layers":[]})", "x")),
                  ErrorKind::input,
                  "no config");
  EXPECT_ZB_ERROR(static_cast<void>(
                      parse_manifest(R"({"schemaVersion":2,"config":{"digest":"sha256:1"}})", "x")),
                  ErrorKind::input,
                  "config: a descriptor needs digest and size");
}

// Fields of the wrong type are refused with zbundle's error, never nlohmann's type_error (the
// class of what fuzz_ocmirror_archive found in v1 metadata on 2026-12-03).
TEST(ParseManifest, FieldsOfTheWrongTypeAreNamed) {
  EXPECT_ZB_ERROR(
      static_cast<void>(parse_manifest(R"({"schemaVersion":2,"mediaType":[1]})", "repo:tag")),
      ErrorKind::input,
      "repo:tag: mediaType is not a string");
  const std::string index = R"({"schemaVersion":2,"manifests":[{"digest":")" + fake_digest('a')
                            + R"(","size":3,"platform":{"os":"linux","architecture":7}}]})";
  EXPECT_ZB_ERROR(static_cast<void>(parse_manifest(index, "i")),
                  ErrorKind::input,
                  "i: manifests: platform: architecture is not a string");
  const std::string layer = R"({"schemaVersion":2,"config":)" + descriptor('a', 1)
                            + R"(,"layers":[{"mediaType":{},"digest":")" + fake_digest('b')
                            + R"(","size":1}]})";
  EXPECT_ZB_ERROR(static_cast<void>(parse_manifest(layer, "m")),
                  ErrorKind::input,
                  "m: layers: mediaType is not a string");
  EXPECT_ZB_ERROR(
      static_cast<void>(parse_layout_index(
          R"({"manifests":[{"digest":")" + fake_digest('a')
              + R"(","size":3,"annotations":{"org.opencontainers.image.ref.name":1}}]})",
          "index.json")),
      ErrorKind::input,
      "index.json: annotations: org.opencontainers.image.ref.name is not a string");
  EXPECT_EQ(config_architecture(R"({"architecture":["s390x"]})"), "");
  EXPECT_EQ(config_architecture("[]"), "");
}

TEST(ParseLayoutIndex, TagsFromRefNameAnnotations) {
  const std::vector<LayoutEntry> entries = parse_layout_index(
      R"({"schemaVersion":2,"manifests":[{"mediaType":"m","digest":")" + fake_digest('a')
          + R"(","size":3,"annotations":{"org.opencontainers.image.ref.name":"v1"}},)"
          + descriptor('b', 4) + "]}",
      "index.json");
  ASSERT_EQ(entries.size(), 2U);
  EXPECT_EQ(entries[0].tag, "v1");
  EXPECT_EQ(entries[1].tag, fake_digest('b'));
  EXPECT_ZB_ERROR(static_cast<void>(parse_layout_index("{}", "layout/index.json")),
                  ErrorKind::input,
                  "layout/index.json: not an OCI layout index");
}

TEST(ConfigArchitecture, ReadsTheField) {
  EXPECT_EQ(config_architecture(R"({"architecture":"s390x","os":"linux"})"), "s390x");
  EXPECT_EQ(config_architecture("not json"), "");
}

} // namespace
} // namespace zbundle::oci
