#include "core/ocmirror/run_records.hpp"
#include "test_support.hpp"

#include <cstring>

namespace zbundle::ocmirror {
namespace {

// Serves a string in small pieces, as a tar entry or a file would.
class StringContent final : public walk::EntryContent {
public:
  explicit StringContent(std::string text, std::size_t piece = 7)
      : m_text(std::move(text)), m_piece(piece) {}
  std::string read_text(std::size_t /*max_bytes*/) override { return m_text; }
  std::size_t read_some(std::span<char> buffer) override {
    const std::size_t count = std::min({buffer.size(), m_piece, m_text.size() - m_offset});
    std::memcpy(buffer.data(), m_text.data() + m_offset, count);
    m_offset += count;
    return count;
  }

private:
  std::string m_text;
  std::size_t m_piece;
  std::size_t m_offset = 0;
};

std::vector<std::string> references(const std::vector<ConfiguredImage>& images) {
  std::vector<std::string> names;
  for (const ConfiguredImage& image : images) {
    names.push_back(image.reference);
  }
  return names;
}

TEST(ParseImageSetConfig, ReadsWhatDerivationNeeds) {
  const ImageSetConfig config =
      parse_image_set_config(test::test_data("ocmirror/v2/imageset-config.yaml"), "isc");
  EXPECT_EQ(references(config.additional_images),
            (std::vector<std::string>{
                "registry.redhat.io/rhel9/postgresql-15:latest",
                "registry.redhat.io/ubi9/"
                "ubi@sha256:6b1c2d3e4f5061728394a5b6c7d8e9f00112233445566778899aabbccddeeff0"}));
  EXPECT_EQ(references(config.catalogs),
            std::vector<std::string>{"registry.redhat.io/redhat/redhat-operator-index:v4.16"});
  EXPECT_TRUE(config.catalogs.front().target.empty());
  EXPECT_EQ(config.channels, std::vector<std::string>{"stable-4.16"});
  EXPECT_FALSE(config.is_okd);
  EXPECT_TRUE(config.release.empty());
  EXPECT_ZB_ERROR(static_cast<void>(parse_image_set_config("mirror: [\n", "isc_x")),
                  ErrorKind::input,
                  "isc_x:");
}

// targetCatalog, targetRepo and targetTag say where oc-mirror puts an image below the mirror;
// each is checked against the grammar it will be used in.
TEST(ParseImageSetConfig, ReadsTargets) {
  const ImageSetConfig config = parse_image_set_config(R"(mirror:
  operators:
  - catalog: registry.redhat.io/redhat/redhat-operator-index:v4.16
    targetCatalog: my/ns/custom-index
    targetTag: v16
  - catalog: registry.redhat.io/redhat/certified-operator-index:v4.16
    targetTag: pinned
  additionalImages:
  - name: registry.redhat.io/ubi9/ubi:latest
    targetRepo: base/ubi
)",
                                                       "isc");
  ASSERT_EQ(config.catalogs.size(), 2U);
  EXPECT_EQ(config.catalogs[0].target, (model::MirrorTarget{"my/ns/custom-index", "v16"}));
  EXPECT_EQ(config.catalogs[1].target, (model::MirrorTarget{"", "pinned"}));
  ASSERT_EQ(config.additional_images.size(), 1U);
  EXPECT_EQ(config.additional_images[0].target, (model::MirrorTarget{"base/ubi", ""}));
  EXPECT_ZB_ERROR(
      parse_image_set_config(
          "mirror:\n  operators:\n  - catalog: a.io/b/c:1\n    targetCatalog: ../x\n", "isc_y"),
      ErrorKind::input,
      "isc_y: targetCatalog ../x: not a repository path");
  EXPECT_ZB_ERROR(
      parse_image_set_config(
          "mirror:\n  additionalImages:\n  - name: a.io/b/c:1\n    targetTag: 'a b'\n", "isc_z"),
      ErrorKind::input,
      "isc_z: targetTag a b: not a tag");
}

// Operators-only and additional-images-only runs have no platform section; a run may also
// have no mirror section worth the name. Neither is malformed.
TEST(ParseImageSetConfig, ReadsRunsWithoutAPlatformSection) {
  const ImageSetConfig operators = parse_image_set_config(R"(kind: ImageSetConfiguration
apiVersion: mirror.openshift.io/v2alpha1
mirror:
  operators:
  - catalog: registry.redhat.io/redhat/redhat-operator-index:v4.16
)",
                                                          "isc");
  EXPECT_EQ(references(operators.catalogs),
            std::vector<std::string>{"registry.redhat.io/redhat/redhat-operator-index:v4.16"});
  EXPECT_TRUE(operators.channels.empty());
  EXPECT_TRUE(operators.release.empty());
  const ImageSetConfig images = parse_image_set_config(
      "mirror:\n  additionalImages:\n  - name: registry.redhat.io/ubi9/ubi:latest\n", "isc");
  EXPECT_EQ(references(images.additional_images),
            std::vector<std::string>{"registry.redhat.io/ubi9/ubi:latest"});
  EXPECT_TRUE(parse_image_set_config("kind: ImageSetConfiguration\n", "isc").catalogs.empty());
  EXPECT_TRUE(parse_image_set_config("mirror: 7\n", "isc").catalogs.empty());
}

TEST(ParseReleaseReferences, ListsEveryComponent) {
  const std::string text = R"({"kind":"ImageStream","spec":{"tags":[
    {"name":"etcd","from":{"kind":"DockerImage","name":"quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:1"}},
    {"name":"cli","from":{"kind":"DockerImage","name":"quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:2"}}]}})";
  EXPECT_EQ(parse_release_references(text, "refs"),
            (std::vector<std::string>{"quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:1",
                                      "quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:2"}));
  EXPECT_ZB_ERROR(static_cast<void>(parse_release_references("{", "refs")),
                  ErrorKind::input,
                  "refs: malformed JSON");
  EXPECT_ZB_ERROR(
      static_cast<void>(parse_release_references(R"({"spec":{"tags":[{"name":"x"}]}})", "refs")),
      ErrorKind::input,
      "refs: a spec.tags entry has no from.name");
  // Members of another type than the pointer walk expects: zbundle's error, not nlohmann's.
  EXPECT_ZB_ERROR(static_cast<void>(parse_release_references(
                      R"({"spec":{"tags":[{"from":{"name":5}}]}})", "refs")),
                  ErrorKind::input,
                  "refs: spec.tags: name is not a string");
  EXPECT_ZB_ERROR(
      static_cast<void>(parse_release_references(R"({"spec":{"tags":[{"from":[1]}]}})", "refs")),
      ErrorKind::input,
      "refs: a spec.tags entry has no from.name");
  EXPECT_ZB_ERROR(static_cast<void>(parse_release_references(R"({"spec":{"tags":{}}})", "refs")),
                  ErrorKind::input,
                  "refs: spec.tags is not a list");
  EXPECT_TRUE(parse_release_references(R"({"spec":["tags"]})", "refs").empty());
}

TEST(ReadCatalogImages, TakesBundleImagesAndRelatedImagesFromAStream) {
  // Key order varies between writers: schema may come after image.
  StringContent content(R"({"schema":"olm.package","name":"p","icon":{"base64data":"x"}}
{"image":"quay.io/ns/bundle@sha256:1","schema":"olm.bundle","relatedImages":[{"name":"a","image":"quay.io/ns/op@sha256:2"},{"image":"quay.io/other/x:1","name":"b"}],"properties":[{"type":"olm.gvk","value":{"image":"not-an-image-field"}}]}
  {"schema":"olm.channel","name":"stable","entries":[{"name":"p.v1"}],"image":"ignored/because:not-a-bundle"}
{"schema":"olm.bundle","image":"quay.io/ns/bundle2@sha256:3"})");
  EXPECT_EQ(read_catalog_images(content, "catalog.json"),
            (std::vector<std::string>{"quay.io/ns/bundle@sha256:1",
                                      "quay.io/ns/op@sha256:2",
                                      "quay.io/other/x:1",
                                      "quay.io/ns/bundle2@sha256:3"}));
}

TEST(ReadCatalogImages, ManyBundlesStreamThrough) {
  std::string text;
  constexpr int k_bundles = 20000;
  for (int i = 0; i < k_bundles; ++i) {
    text += R"({"schema":"olm.bundle","image":"quay.io/ns/b@sha256:)" + std::to_string(i) + R"("})"
            + "\n";
  }
  StringContent content(std::move(text), 4096);
  const std::vector<std::string> images = read_catalog_images(content, "big.json");
  ASSERT_EQ(images.size(), static_cast<std::size_t>(k_bundles));
  EXPECT_EQ(images.back(), "quay.io/ns/b@sha256:19999");
}

TEST(ReadCatalogImages, MalformedJsonNamesFileAndOffset) {
  StringContent content(R"({"schema":"olm.bundle","image":"x"} {"schema": )");
  EXPECT_ZB_ERROR(static_cast<void>(read_catalog_images(content, "catalog.json")),
                  ErrorKind::input,
                  "catalog.json: malformed JSON at byte");
}

} // namespace
} // namespace zbundle::ocmirror
