#include "core/cluster/object_merge.hpp"
#include "core/util/base64.hpp"
#include "core/util/error.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace zbundle::cluster {
namespace {

using Json = nlohmann::ordered_json;

artifacts::NamedText ours(std::string text) {
  return {"ours.yaml", std::move(text)};
}
std::optional<artifacts::NamedText> live(const Json& object) {
  return artifacts::NamedText{"live.json", object.dump()};
}

constexpr std::string_view k_mirror_config = R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: mirror-config
  namespace: multicluster-engine
  labels:
    app: "assisted-service"
data:
  ca-bundle.crt: |
    -----BEGIN CERTIFICATE-----
    OURS
    -----END CERTIFICATE-----
  registries.conf: |
    [[registry]]
    prefix = ""
    location = "registry.redhat.io/ubi9"

    [[registry.mirror]]
    location = "mirror.test:8443/ubi9"
)";

Json hand_made_mirror_config() {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata",
           {{"name", "mirror-config"},
            {"namespace", "multicluster-engine"},
            {"resourceVersion", "41"},
            {"managedFields", Json::array()}}},
          {"data",
           {{"ca-bundle.crt", "-----BEGIN CERTIFICATE-----\nSITE\n-----END CERTIFICATE-----\n"},
            {"registries.conf",
             "[[registry]]\nlocation = \"registry.redhat.io/multicluster-engine\"\n"},
            {"zz-note", "kept"}}}};
}

TEST(ObjectMerge, ConfigMapKeepsTheHandMadeEntries) {
  const ObjectMerge merge =
      merge_objects(ours(std::string(k_mirror_config)), live(hand_made_mirror_config()));
  ASSERT_TRUE(merge.replaced);
  const Json merged = Json::parse(*merge.replaced);
  EXPECT_EQ(merged["kind"], "ConfigMap"); // one live object in, one object out
  EXPECT_EQ(merged["metadata"]["resourceVersion"], "41");
  EXPECT_FALSE(merged["metadata"].contains("managedFields"));
  EXPECT_EQ(merged["metadata"]["labels"]["app"], "assisted-service");
  EXPECT_EQ(merged["data"]["zz-note"], "kept");
  const std::string ca = merged["data"]["ca-bundle.crt"];
  EXPECT_TRUE(ca.starts_with("-----BEGIN CERTIFICATE-----\nSITE\n"));
  EXPECT_NE(ca.find("OURS"), std::string::npos);
  const std::string conf = merged["data"]["registries.conf"];
  EXPECT_TRUE(
      conf.starts_with("[[registry]]\nlocation = \"registry.redhat.io/multicluster-engine\"\n"));
  EXPECT_NE(conf.find("mirror.test:8443/ubi9"), std::string::npos);
  // the keys keep the cluster's order
  EXPECT_EQ(merged["data"].begin().key(), "ca-bundle.crt");
  EXPECT_EQ(merge.changes.size(), 3U);
  EXPECT_EQ(merge.changes[0], "ConfigMap multicluster-engine/mirror-config: label app added");

  const ObjectMerge again = merge_objects(ours(std::string(k_mirror_config)), live(merged));
  EXPECT_FALSE(again.replaced);
  EXPECT_TRUE(again.changes.empty());
}

TEST(ObjectMerge, TheLiveNameWins) {
  Json site = hand_made_mirror_config();
  site["metadata"]["name"] = "site-mirrors";
  const ObjectMerge merge = merge_objects(ours(std::string(k_mirror_config)), live(site));
  ASSERT_TRUE(merge.replaced);
  EXPECT_EQ(Json::parse(*merge.replaced)["metadata"]["name"], "site-mirrors");
}

TEST(ObjectMerge, NothingLiveCreatesOurs) {
  const ObjectMerge merge = merge_objects(ours(std::string(k_mirror_config)), std::nullopt);
  EXPECT_FALSE(merge.replaced);
  ASSERT_TRUE(merge.created);
  const Json created = Json::parse(*merge.created);
  EXPECT_EQ(created["kind"], "List");
  EXPECT_EQ(created["items"][0]["metadata"]["name"], "mirror-config");
  EXPECT_EQ(merge.changes,
            std::vector<std::string>{"ConfigMap multicluster-engine/mirror-config: created"});
  // an empty file is what `oc get --ignore-not-found` prints for nothing
  EXPECT_TRUE(
      merge_objects(ours(std::string(k_mirror_config)), artifacts::NamedText{"live.json", ""})
          .created);
}

Json pull_secret(const Json& auths) {
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata", {{"name", "pull-secret"}, {"namespace", "openshift-config"}}},
          {"type", "kubernetes.io/dockerconfigjson"},
          {"data", {{".dockerconfigjson", util::encode_base64(Json{{"auths", auths}}.dump())}}}};
}

TEST(ObjectMerge, PullSecretGainsTheMirrorKeepsTheOthers) {
  const Json ours_secret = pull_secret({{"mirror.test:8443", {{"auth", "bWlycm9yOnM="}}}});
  const Json cluster = pull_secret({{"quay.io", {{"auth", "cXVheTpz"}, {"email", "a@b"}}},
                                    {"cloud.openshift.com", {{"auth", "Y2xvdWQ6cw=="}}}});
  const ObjectMerge merge = merge_objects(ours(ours_secret.dump()), live(cluster));
  ASSERT_TRUE(merge.replaced);
  const Json merged = Json::parse(*merge.replaced);
  const Json auths = Json::parse(
      *util::decode_base64(merged["data"][".dockerconfigjson"].get<std::string>(), 4096))["auths"];
  EXPECT_EQ(auths.size(), 3U);
  EXPECT_EQ(auths.begin().key(), "quay.io");
  EXPECT_EQ(auths["quay.io"]["email"], "a@b");
  EXPECT_EQ(auths["mirror.test:8443"]["auth"], "bWlycm9yOnM=");
  EXPECT_EQ(merge.changes,
            std::vector<std::string>{
                "Secret openshift-config/pull-secret: auths.mirror.test:8443 added"});
  EXPECT_FALSE(merge_objects(ours(ours_secret.dump()), live(merged)).replaced);
}

// A .dockerconfigjson of "{}" holds no credentials, on either side; ours used to reach
// nlohmann's at("auths") unchecked, whose out_of_range no caller catches.
TEST(ObjectMerge, PullSecretWithoutAuthsIsEmpty) {
  Json empty = pull_secret(Json::object());
  empty["data"][".dockerconfigjson"] = util::encode_base64("{}");
  const ObjectMerge nothing_to_add = merge_objects(ours(empty.dump()), live(empty));
  EXPECT_FALSE(nothing_to_add.replaced);
  const Json ours_secret = pull_secret({{"mirror.test:8443", {{"auth", "bWlycm9yOnM="}}}});
  const ObjectMerge merge = merge_objects(ours(ours_secret.dump()), live(empty));
  ASSERT_TRUE(merge.replaced);
  const Json merged = Json::parse(*merge.replaced);
  EXPECT_EQ(Json::parse(*util::decode_base64(merged["data"][".dockerconfigjson"].get<std::string>(),
                                             4096))["auths"]
                .size(),
            1U);
}

TEST(ObjectMerge, PullSecretNotBase64IsNamed) {
  Json cluster = pull_secret(Json::object());
  cluster["data"][".dockerconfigjson"] = "%%%";
  try {
    (void)merge_objects(ours(pull_secret(Json::object()).dump()), live(cluster));
    FAIL() << "a broken pull secret was merged";
  } catch (const Error& error) {
    EXPECT_NE(
        std::string(error.what()).find("live.json: Secret openshift-config/pull-secret: the live"),
        std::string::npos)
        << error.what();
  }
}

constexpr std::string_view k_release_idms = R"(apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata:
  name: zbundle-release
spec:
  imageDigestMirrors:
  - mirrors:
    - mirror.test:8443/ocp-release
    source: quay.io/openshift-release-dev/ocp-release
)";

// A List in: the changed live objects to replace, ours the cluster lacks to create, apart.
TEST(ObjectMerge, ReplacedAndCreatedApart) {
  const std::string two = std::string(k_release_idms) + "---\n"
                          + "apiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\n"
                            "metadata:\n  name: zbundle-operator\nspec:\n  imageDigestMirrors:\n"
                            "  - mirrors: [m/x]\n    source: registry.redhat.io/x\n";
  const Json list = {{"kind", "List"},
                     {"items",
                      {{{"kind", "ImageDigestMirrorSet"},
                        {"metadata", {{"name", "zbundle-release"}, {"resourceVersion", "9"}}},
                        {"spec", {{"imageDigestMirrors", Json::array()}}}}}}};
  const ObjectMerge merge = merge_objects(ours(two), live(list));
  ASSERT_TRUE(merge.replaced && merge.created);
  const Json replaced = Json::parse(*merge.replaced);
  EXPECT_EQ(replaced["items"][0]["metadata"]["name"], "zbundle-release");
  EXPECT_EQ(replaced["items"][0]["metadata"]["resourceVersion"], "9");
  EXPECT_EQ(Json::parse(*merge.created)["items"][0]["metadata"]["name"], "zbundle-operator");
}

Json idms(std::string name, Json entries) {
  return {{"apiVersion", "config.openshift.io/v1"},
          {"kind", "ImageDigestMirrorSet"},
          {"metadata", {{"name", std::move(name)}}},
          {"spec", {{"imageDigestMirrors", std::move(entries)}}},
          {"status", Json::object()}};
}

TEST(ObjectMerge, MirrorSetsAreAUnionMatchedByName) {
  const Json list = {
      {"kind", "List"},
      {"items",
       {idms("site-own", Json::array({{{"source", "docker.io/x"}, {"mirrors", {"m/x"}}}})),
        idms("zbundle-release",
             Json::array({{{"source", "quay.io/openshift-release-dev/ocp-release"},
                           {"mirrors", {"old.site/ocp-release"}}},
                          {{"source", "quay.io/openshift-release-dev/ocp-v4.0-art-dev"},
                           {"mirrors", {"old.site/art"}}}}))}}};
  const ObjectMerge merge = merge_objects(ours(std::string(k_release_idms)), live(list));
  ASSERT_TRUE(merge.replaced);
  const Json merged = Json::parse(*merge.replaced);
  ASSERT_EQ(merged["items"].size(), 1U); // the site's own set is not touched
  const Json entries = merged["items"][0]["spec"]["imageDigestMirrors"];
  EXPECT_EQ(entries.size(), 2U);
  EXPECT_EQ(entries[0]["mirrors"], Json({"old.site/ocp-release", "mirror.test:8443/ocp-release"}));
  EXPECT_FALSE(merged["items"][0].contains("status"));
  EXPECT_EQ(merge.changes,
            std::vector<std::string>{"ImageDigestMirrorSet zbundle-release: source "
                                     "quay.io/openshift-release-dev/ocp-release: mirror "
                                     "mirror.test:8443/ocp-release added"});
}

TEST(ObjectMerge, HostedClustersGainTheSources) {
  const std::string icsp = "- source: quay.io/openshift-release-dev/ocp-release\n"
                           "  mirrors:\n  - mirror.test:8443/ocp-release\n";
  const Json cluster = {
      {"kind", "HostedCluster"},
      {"metadata", {{"name", "hc1"}, {"namespace", "clusters"}}},
      {"spec",
       {{"imageContentSources",
         Json::array({{{"source", "registry.redhat.io/x"}, {"mirrors", {"m/x"}}}})}}}};
  const Json list = {{"kind", "List"}, {"items", {cluster, cluster}}};
  const ObjectMerge merge = merge_objects(ours(icsp), live(list));
  ASSERT_TRUE(merge.replaced);
  EXPECT_EQ(Json::parse(*merge.replaced)["items"][1]["spec"]["imageContentSources"].size(), 2U);
  // no HostedCluster: nothing to create
  EXPECT_FALSE(merge_objects(ours(icsp), std::nullopt).replaced);
}

TEST(ObjectMerge, RefusesWhatItCannotMerge) {
  EXPECT_THROW((void)merge_objects(ours("kind: Deployment\nmetadata:\n  name: x\n"), std::nullopt),
               Error);
  EXPECT_THROW((void)merge_objects(ours("just: a map\n"), std::nullopt), Error);
  EXPECT_THROW((void)merge_objects(ours("? [a]\n: b\n"), std::nullopt), Error);
  EXPECT_THROW((void)merge_objects(ours("kind: ConfigMap\nmetadata: {name: x}\ndata: {a: [1]}\n"),
                                   std::nullopt),
               Error);
  EXPECT_THROW((void)merge_objects(ours(std::string(k_mirror_config)),
                                   artifacts::NamedText{"live.json", "{"}),
               Error);
  Json wrong = hand_made_mirror_config();
  wrong["data"]["registries.conf"] = 7;
  EXPECT_THROW((void)merge_objects(ours(std::string(k_mirror_config)), live(wrong)), Error);
  const Json other_kind = {{"kind", "Secret"}, {"metadata", {{"name", "x"}}}};
  EXPECT_THROW((void)merge_objects(ours(std::string(k_mirror_config)), live(other_kind)), Error);
}

} // namespace
} // namespace zbundle::cluster
