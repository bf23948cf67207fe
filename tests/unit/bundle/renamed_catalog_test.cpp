// A catalog the ImageSetConfiguration renamed, end to end: create signs where oc-mirror put it,
// the bundle's model keeps the rename, and the artifacts the bastion renders from that model
// point the CatalogSource at the renamed catalog (oc-mirror-formats.md 2.4), not at its source
// path, which the mirror does not hold.

#include "core/artifacts/artifacts.hpp"
#include "core/bundle/bundle_reader.hpp"
#include "core/bundle/bundle_writer.hpp"
#include "core/check/digest_verifier.hpp"
#include "core/pki/signing_key.hpp"
#include "test_support.hpp"

#include <yaml-cpp/yaml.h>

namespace zbundle::bundle {
namespace {

using test::TempDir;

TEST(RenamedCatalog, CreateCarriesTheRenameToTheBastionsArtifacts) {
  const TempDir dir;
  const test::Image image;
  const std::string digest = test::sha256(image.manifest());
  test::TarBuilder(dir / "run/mirror_000001.tar")
      .file("working-dir/.history/.history-2025", "")
      .file("isc_2025-01-01T00:00:00Z",
            "mirror:\n  operators:\n"
            "  - catalog: registry.redhat.io/redhat/redhat-operator-index:v4.16\n"
            "    targetCatalog: my/ns/custom-index\n    targetTag: v16\n")
      .file(test::tag_path("my/ns/custom-index", "v16"), digest)
      .file(test::blob_path(digest), image.manifest())
      .file(test::blob_path(test::sha256(image.config)), image.config)
      .file(test::blob_path(test::sha256(image.layer)), image.layer)
      .close();
  EXPECT_TRUE(check::verify_digests({dir / "run"}, {}).problems.empty());

  (void)pki::generate_signing_key((dir / "key").string(), pki::KeyType::ed25519, "");
  CreateOptions options;
  options.inputs = {dir / "run"};
  options.output = dir / "b.zb";
  options.level = 1;
  options.created = 1767225600;
  (void)create_bundle(options, pki::SigningKey(dir / "key.key", ""));

  Trust trust;
  trust.public_key = dir / "key.pub";
  const BundleReader reader(dir / "b.zb", trust);
  const Manifest& manifest = reader.manifest();
  ASSERT_EQ(manifest.catalogs.size(), 1U);
  EXPECT_EQ(manifest.catalogs.front().target, (model::MirrorTarget{"my/ns/custom-index", "v16"}));

  artifacts::RenderOptions render;
  render.mirror = ics::parse_mirror_name("bastion.example:8443");
  render.ca_pem = test::self_signed_pem("Mirror CA");
  const std::vector<artifacts::Artifact> out = artifacts::render_artifacts(manifest, render);
  const auto found = std::find_if(out.begin(), out.end(), [](const artifacts::Artifact& a) {
    return a.name == "catalogsource-custom-index-v16.yaml";
  });
  ASSERT_NE(found, out.end());
  EXPECT_EQ(YAML::Load(found->content)["spec"]["image"].as<std::string>(),
            "bastion.example:8443/my/ns/custom-index:v16");
}

} // namespace
} // namespace zbundle::bundle
