#include "core/artifacts/artifacts.hpp"
#include "core/util/base64.hpp"
#include "test_support.hpp"

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace zbundle::artifacts {
namespace {

constexpr std::string_view k_ca =
    "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n";

// A model as `create --mirror old.example:5000/ns` records it.
model::SignedModel sample_model() {
  model::SignedModel model;
  model.mirror = "old.example:5000/ns";
  model.image_content_sources.add("quay.io/openshift-release-dev/ocp-release",
                                  "old.example:5000/ns/openshift/release-images",
                                  ics::MirrorKind::digest);
  model.image_content_sources.add(
      "registry.redhat.io/rhel9", "old.example:5000/ns/rhel9", ics::MirrorKind::tag);
  model.releases = {{"4.16.9-s390x", test::fake_digest('1')},
                    {"4.16.10-multi", test::fake_digest('2')},
                    {"4.17.0-nodigest", ""}};
  model.images = {{"quay.io/openshift-release-dev/ocp-release:4.16.10-multi",
                   model::ImageCategory::release,
                   ics::MappingRules::oc_mirror_v2}};
  model.catalogs = {
      {"registry.redhat.io/redhat/redhat-operator-index:v4.16",
       "ImageSetConfiguration",
       "registry.redhat.io/redhat/redhat-operator-index:v4.16"},
      {"cs-certified",
       "CatalogSource",
       "old.example:5000/ns/redhat/certified-operator-index:v4.16"},
  };
  model.cluster_resources = {
      {"UpdateService",
       "update-service-oc-mirror",
       {},
       "apiVersion: updateservice.operator.openshift.io/v1\nkind: UpdateService\n"
       "metadata:\n  name: update-service-oc-mirror\n"
       "spec:\n  graphDataImage: old.example:5000/ns/openshift/graph-image:latest\n"
       "  releases: old.example:5000/ns/openshift/release-images\n  replicas: 2\n"},
      {"ConfigMap", "../../etc/evil", {}, "{\"kind\": \"ConfigMap\"}"},
  };
  return model;
}

RenderOptions options_for(std::string_view mirror) {
  RenderOptions options;
  options.mirror = ics::parse_mirror_name(mirror);
  options.ca_pem = std::string(k_ca);
  return options;
}

const Artifact& find(const std::vector<Artifact>& artifacts, std::string_view name) {
  const auto found = std::find_if(
      artifacts.begin(), artifacts.end(), [&](const Artifact& a) { return a.name == name; });
  if (found == artifacts.end()) {
    throw std::runtime_error(std::string(name) + " was not rendered");
  }
  return *found;
}

bool has(const std::vector<Artifact>& artifacts, std::string_view name) {
  return std::any_of(
      artifacts.begin(), artifacts.end(), [&](const Artifact& a) { return a.name == name; });
}

TEST(RenderArtifacts, TrustConfigMapsCarryTheCaUnderTheMirrorsKeys) {
  const std::vector<Artifact> out =
      render_artifacts(sample_model(), options_for("new.example:8443/site"));
  const YAML::Node registry = YAML::Load(find(out, "registry-config.yaml").content);
  EXPECT_EQ(registry["kind"].as<std::string>(), "ConfigMap");
  EXPECT_EQ(registry["metadata"]["namespace"].as<std::string>(), "openshift-config");
  EXPECT_EQ(registry["data"]["new.example..8443"].as<std::string>(), k_ca);
  EXPECT_EQ(YAML::Load(
                find(out, "image-config-patch.yaml").content)["spec"]["additionalTrustedCA"]["name"]
                .as<std::string>(),
            "registry-config");
  EXPECT_FALSE(has(out, "registry-config-data-patch.yaml")); // apply-cluster.sh merges instead
  const YAML::Node mirror = YAML::Load(find(out, "mirror-config.yaml").content);
  EXPECT_EQ(mirror["metadata"]["namespace"].as<std::string>(), "multicluster-engine");
  EXPECT_EQ(mirror["metadata"]["labels"]["app"].as<std::string>(), "assisted-service");
  EXPECT_EQ(mirror["data"]["ca-bundle.crt"].as<std::string>(), k_ca);
  EXPECT_EQ(mirror["data"]["registries.conf"].as<std::string>(),
            find(out, "registries.conf").content);
  EXPECT_EQ(
      YAML::Load(
          find(out, "agentserviceconfig-patch.yaml").content)["spec"]["mirrorRegistryRef"]["name"]
          .as<std::string>(),
      "mirror-config");
  EXPECT_EQ(find(out, "ca-bundle.crt").content, k_ca);
}

TEST(RenderArtifacts, KeysWithoutPortAndIpv6) {
  const std::vector<Artifact> plain = render_artifacts(sample_model(), options_for("new.example"));
  EXPECT_TRUE(YAML::Load(find(plain, "registry-config.yaml").content)["data"]["new.example"]);
  // No ConfigMap key can spell an IPv6 address: no trust ConfigMap, and the script says why.
  const std::vector<Artifact> v6 = render_artifacts(sample_model(), options_for("[fd00::1]:5000"));
  EXPECT_FALSE(has(v6, "registry-config.yaml"));
  EXPECT_NE(find(v6, "apply-cluster.sh").content.find("IPv6"), std::string::npos);
  EXPECT_TRUE(has(v6, "mirror-config.yaml"));
}

TEST(RenderArtifacts, SourcesMoveFromTheRecordedMirrorToTheGivenOne) {
  const std::vector<Artifact> out =
      render_artifacts(sample_model(), options_for("new.example:8443/site"));
  const YAML::Node list = YAML::Load(find(out, "icsp.yaml").content);
  ASSERT_TRUE(list.IsSequence()); // the one document hcp reads is a list
  ASSERT_EQ(list.size(), 1U);     // the tag-only source is not a digest source
  EXPECT_EQ(list[0]["source"].as<std::string>(), "quay.io/openshift-release-dev/ocp-release");
  EXPECT_EQ(list[0]["mirrors"][0].as<std::string>(),
            "new.example:8443/site/openshift/release-images");
  EXPECT_EQ(
      YAML::Load(
          find(out, "imagetagmirrorset.yaml").content)["spec"]["imageTagMirrors"][0]["mirrors"][0]
          .as<std::string>(),
      "new.example:8443/site/rhel9");
  // A bundle made without --mirror points at the placeholder; it moves the same way.
  model::SignedModel unnamed = sample_model();
  unnamed.mirror.reset();
  unnamed.image_content_sources = {};
  unnamed.image_content_sources.add(
      "registry.redhat.io/ubi9", "mirror.invalid/ubi9", ics::MirrorKind::digest);
  EXPECT_EQ(
      relocated_sources(unnamed, ics::parse_mirror_name("m:1")).sources()[0].mirrors[0].location,
      "m:1/ubi9");
}

// A catalog the ImageSetConfiguration renamed (targetCatalog, targetTag) is served where
// oc-mirror pushed it, and named after that: oc-mirror-formats.md 2.4.
TEST(RenderArtifacts, ARenamedCatalogPointsWhereTheRunPutIt) {
  model::SignedModel model = sample_model();
  model.catalogs = {{"registry.redhat.io/redhat/redhat-operator-index:v4.16",
                     "ImageSetConfiguration",
                     "registry.redhat.io/redhat/redhat-operator-index:v4.16",
                     {"my/ns/custom-index", "v16"}},
                    {"registry.redhat.io/redhat/community-operator-index:v4.16",
                     "ImageSetConfiguration",
                     "registry.redhat.io/redhat/community-operator-index:v4.16",
                     {"", "pinned"}}};
  const std::vector<Artifact> out = render_artifacts(model, options_for("new.example:8443/site"));
  const YAML::Node renamed = YAML::Load(find(out, "catalogsource-custom-index-v16.yaml").content);
  EXPECT_EQ(renamed["metadata"]["name"].as<std::string>(), "cs-custom-index-v16");
  EXPECT_EQ(renamed["spec"]["image"].as<std::string>(),
            "new.example:8443/site/my/ns/custom-index:v16");
  const YAML::Node retagged =
      YAML::Load(find(out, "clustercatalog-community-operator-index-pinned.yaml").content);
  EXPECT_EQ(retagged["spec"]["source"]["image"]["ref"].as<std::string>(),
            "new.example:8443/site/redhat/community-operator-index:pinned");
  EXPECT_FALSE(has(out, "catalogsource-redhat-operator-index-v4-16.yaml"));
}

// Under --max-nested-paths the rendered paths are oc-mirror's: the bastion's namespace and the
// rest joined, in mirror sets and catalogs alike (named after the limited repository, as
// oc-mirror names them from where it pushed).
TEST(RenderArtifacts, NestedPathsAreLimitedWhereTheyAreRendered) {
  model::SignedModel model = sample_model();
  model.max_nested_paths = 2;
  model.catalogs = {{"registry.redhat.io/redhat/redhat-operator-index:v4.16",
                     "ImageSetConfiguration",
                     "registry.redhat.io/redhat/redhat-operator-index:v4.16",
                     {"my/ns/custom-index", "v16"}}};
  const std::vector<Artifact> out = render_artifacts(model, options_for("new.example:8443/site"));
  const YAML::Node catalog =
      YAML::Load(find(out, "catalogsource-my-ns-custom-index-v16.yaml").content);
  EXPECT_EQ(catalog["spec"]["image"].as<std::string>(),
            "new.example:8443/site/my-ns-custom-index:v16");
  const ics::ImageContentSources moved =
      relocated_sources(model, ics::parse_mirror_name("new.example:8443/site/deeper"));
  ASSERT_FALSE(moved.empty());
  for (const ics::ContentSource& entry : moved.sources()) {
    for (const ics::Mirror& mirror : entry.mirrors) {
      EXPECT_TRUE(mirror.location.starts_with("new.example:8443/site/deeper-")) << mirror.location;
      EXPECT_EQ(std::count(mirror.location.begin(), mirror.location.end(), '/'), 2)
          << mirror.location;
    }
  }
}

TEST(RenderArtifacts, CatalogsAndCarriedResourcesPointAtTheMirror) {
  const std::vector<Artifact> out =
      render_artifacts(sample_model(), options_for("new.example:8443/site"));
  const YAML::Node redhat =
      YAML::Load(find(out, "catalogsource-redhat-operator-index-v4-16.yaml").content);
  EXPECT_EQ(redhat["metadata"]["name"].as<std::string>(), "cs-redhat-operator-index-v4-16");
  EXPECT_EQ(redhat["spec"]["image"].as<std::string>(),
            "new.example:8443/site/redhat/redhat-operator-index:v4.16");
  const YAML::Node certified =
      YAML::Load(find(out, "clustercatalog-certified-operator-index-v4-16.yaml").content);
  EXPECT_EQ(certified["spec"]["source"]["image"]["ref"].as<std::string>(),
            "new.example:8443/site/redhat/certified-operator-index:v4.16");
  EXPECT_EQ(certified["spec"]["priority"].as<int>(), 0);
  const YAML::Node update =
      YAML::Load(find(out, "updateservice-update-service-oc-mirror.yaml").content);
  EXPECT_EQ(update["spec"]["graphDataImage"].as<std::string>(),
            "new.example:8443/site/openshift/graph-image:latest");
  EXPECT_EQ(update["spec"]["replicas"].as<int>(), 2);
  // A name from the model never leaves the directory.
  EXPECT_TRUE(has(out, "release-signatures--.-..-etc-evil.yaml"));
  for (const Artifact& artifact : out) {
    EXPECT_EQ(artifact.name.find('/'), std::string::npos) << artifact.name;
    EXPECT_FALSE(artifact.name.starts_with('.')) << artifact.name;
  }
}

// A hostile signer's UpdateService whose spec is a scalar: rendered as it is. yaml-cpp's
// BadSubscript for spec[field] escaped before (an "internal" error naming nothing).
TEST(RenderArtifacts, AnUpdateServiceWithAScalarSpecIsLeftAsItIs) {
  model::SignedModel model = sample_model();
  model.cluster_resources = {{"UpdateService",
                              "odd",
                              {},
                              "apiVersion: updateservice.operator.openshift.io/v1\n"
                              "kind: UpdateService\nmetadata:\n  name: odd\nspec: plain\n"}};
  const std::vector<Artifact> out = render_artifacts(model, options_for("new.example:8443/site"));
  EXPECT_EQ(YAML::Load(find(out, "updateservice-odd.yaml").content)["spec"].as<std::string>(),
            "plain");
}

TEST(RenderArtifacts, PullSecretMergeKeepsEveryOtherRegistry) {
  RenderOptions options = options_for("new.example:8443/site");
  options.pull_secret =
      NamedText{"ps.json", R"({"auths": {"quay.io": {"auth": "cTp4", "email": "a@b"}}})"};
  options.mirror_auth = NamedText{
      "auth.json", R"({"auths": {"new.example:8443": {"auth": "dXNlcjpwYXNz", "email": "m@x"}}})"};
  const std::vector<Artifact> out = render_artifacts(sample_model(), options);
  const Artifact& merged = find(out, "pull-secret.json");
  EXPECT_EQ(merged.mode, FileMode::secret);
  const nlohmann::json auths = nlohmann::json::parse(merged.content)["auths"];
  EXPECT_EQ(auths["quay.io"]["auth"], "cTp4");
  EXPECT_EQ(auths["new.example:8443"],
            (nlohmann::json{{"auth", "dXNlcjpwYXNz"}, {"email", "m@x"}}));
  // the cluster gets the mirror's entry alone, merged into its live pull secret
  const Artifact& entry = find(out, "pull-secret-mirror-entry.yaml");
  EXPECT_EQ(entry.mode, FileMode::secret);
  const nlohmann::json secret = nlohmann::json::parse(entry.content);
  EXPECT_EQ(secret["metadata"]["name"], "pull-secret");
  EXPECT_EQ(secret["type"], "kubernetes.io/dockerconfigjson");
  const std::optional<std::string> decoded =
      util::decode_base64(secret["data"][".dockerconfigjson"].get<std::string>(), 4096);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(nlohmann::json::parse(*decoded)["auths"].size(), 1U);
  EXPECT_NE(find(out, "apply-cluster.sh").content.find("pull-secret-mirror-entry.yaml secret"),
            std::string::npos);
  // Without the cluster's pull secret, the credentials alone, never over the cluster's one.
  options.pull_secret.reset();
  const std::vector<Artifact> alone = render_artifacts(sample_model(), options);
  EXPECT_FALSE(has(alone, "pull-secret.json"));
  EXPECT_EQ(nlohmann::json::parse(find(alone, "mirror-pull-secret.json").content)["auths"].size(),
            1U);
  EXPECT_TRUE(has(alone, "pull-secret-mirror-entry.yaml"));
}

TEST(RenderArtifacts, RefusesUnusableCredentialsNamingTheFile) {
  RenderOptions options = options_for("new.example:8443");
  options.mirror_auth =
      NamedText{"auth.json", R"({"auths": {"other:5000": {"auth": "dXNlcjpwYXNz"}}})"};
  EXPECT_ZB_ERROR((void)render_artifacts(sample_model(), options),
                  ErrorKind::input,
                  "auth.json: no credentials for the mirror new.example:8443 (it has: other:5000)");
  options.mirror_auth =
      NamedText{"auth.json", R"({"auths": {"new.example:8443": {"auth": "!!"}}})"};
  EXPECT_ZB_ERROR((void)render_artifacts(sample_model(), options),
                  ErrorKind::input,
                  "auth.json: auths.\"new.example:8443\".auth: not base64 of user:password");
  options.mirror_auth.reset();
  options.pull_secret = NamedText{"ps.json", "[1]"};
  EXPECT_ZB_ERROR((void)render_artifacts(sample_model(), options),
                  ErrorKind::input,
                  "ps.json: not a JSON object");
  options.pull_secret.reset();
  options.ca_pem.clear();
  EXPECT_ZB_ERROR(
      (void)render_artifacts(sample_model(), options), ErrorKind::usage, "CA bundle is empty");
}

TEST(RenderArtifacts, HcpCommandPinsTheChosenReleaseByDigest) {
  RenderOptions options = options_for("new.example:8443");
  // The newest with a digest: 4.16.10 is newer than 4.16.9; 4.17.0 has no digest to pin.
  std::string script =
      find(render_artifacts(sample_model(), options), "hcp-create-cluster.sh").content;
  EXPECT_NE(script.find("--release-image 'quay.io/openshift-release-dev/ocp-release@"
                        + test::fake_digest('2') + "'"),
            std::string::npos);
  EXPECT_NE(script.find("# pinned by its digest"), std::string::npos);
  EXPECT_NE(script.find("ocp-release:4.16.10-multi\n"), std::string::npos);
  EXPECT_NE(script.find("--image-content-sources \"$here/icsp.yaml\""), std::string::npos);
  EXPECT_NE(script.find("--additional-trust-bundle \"$here/ca-bundle.crt\""), std::string::npos);
  EXPECT_NE(script.find("NAME='<cluster-name>'"), std::string::npos);
  options.release = "4.16.9";
  script = find(render_artifacts(sample_model(), options), "hcp-create-cluster.sh").content;
  EXPECT_NE(script.find(test::fake_digest('1')), std::string::npos);
  options.release = "4.17.0";
  EXPECT_ZB_ERROR((void)render_artifacts(sample_model(), options),
                  ErrorKind::input,
                  "--release 4.17.0: no mirrored release with a digest matches (mirrored: "
                  "4.16.9-s390x, 4.16.10-multi, 4.17.0-nodigest)");
}

TEST(RenderArtifacts, IsDeterministicAndSorted) {
  const RenderOptions options = options_for("new.example:8443/site");
  const std::vector<Artifact> first = render_artifacts(sample_model(), options);
  EXPECT_EQ(first, render_artifacts(sample_model(), options));
  EXPECT_TRUE(std::is_sorted(first.begin(), first.end(), [](const Artifact& a, const Artifact& b) {
    return a.name < b.name;
  }));
  EXPECT_EQ(find(first, "apply-cluster.sh").mode, FileMode::script);
}

} // namespace
} // namespace zbundle::artifacts

namespace zbundle::artifacts {
namespace {

std::vector<std::string> document_names(const std::string& text) {
  std::vector<std::string> names;
  for (const YAML::Node& document : YAML::LoadAll(text)) {
    names.push_back(document["metadata"]["name"].as<std::string>());
  }
  return names;
}

// Each source goes into the mirror set of the images it covers: an operators-only bundle
// renders zbundle-operator alone, so applying it after a release bundle leaves zbundle-release
// as it was.
TEST(RenderArtifacts, MirrorSetsPerCategory) {
  model::SignedModel model = sample_model();
  model.image_content_sources.add(
      "registry.redhat.io/compliance", "old.example:5000/ns/compliance", ics::MirrorKind::digest);
  model.images.push_back({"registry.redhat.io/compliance/operator@sha256:" + std::string(64, 'c'),
                          model::ImageCategory::operator_image,
                          ics::MappingRules::oc_mirror_v2});
  const std::vector<Artifact> both = render_artifacts(model, options_for("new.example:8443"));
  EXPECT_EQ(document_names(find(both, "imagedigestmirrorset.yaml").content),
            (std::vector<std::string>{"zbundle-release", "zbundle-operator"}));
  // a source no image of the model covers is generic
  EXPECT_EQ(document_names(find(both, "imagetagmirrorset.yaml").content),
            (std::vector<std::string>{"zbundle-generic"}));

  model::SignedModel operators;
  operators.image_content_sources.add(
      "registry.redhat.io/compliance", "old.example:5000/ns/compliance", ics::MirrorKind::digest);
  operators.images = {model.images.back()};
  const std::vector<Artifact> alone = render_artifacts(operators, options_for("new.example:8443"));
  EXPECT_EQ(document_names(find(alone, "imagedigestmirrorset.yaml").content),
            (std::vector<std::string>{"zbundle-operator"}));
}

} // namespace
} // namespace zbundle::artifacts
