#include "core/cluster/registries_conf_merge.hpp"
#include "core/util/error.hpp"

#include <gtest/gtest.h>

namespace zbundle::cluster {
namespace {

// The procedure's hand-made mirror-config entry, with a comment and an [aliases] table after it.
constexpr std::string_view k_live =
    R"(unqualified-search-registries = ["registry.access.redhat.com"]
# short-name-mode stays the site's
short-name-mode = "enforcing"

[[registry]]
   prefix = ""
   location = "registry.redhat.io/multicluster-engine"
   mirror-by-digest-only = true

   [[registry.mirror]]
   location = "mirror.site:5000/multicluster-engine"

# the UBI mirror, old
[[registry]]
location = 'registry.redhat.io/ubi9'

[[registry.mirror]]
location = "old.site:5000/ubi9"

[aliases]
"ubi" = "registry.redhat.io/ubi9/ubi"
)";

constexpr std::string_view k_ours = R"(# generated
[[registry]]
prefix = ""
location = "registry.redhat.io/ubi9"
mirror-by-digest-only = true

[[registry.mirror]]
location = "mirror.test:8443/ubi9"

[[registry]]
prefix = ""
location = "quay.io/openshift-release-dev/ocp-release"
mirror-by-digest-only = true

[[registry.mirror]]
location = "mirror.test:8443/ocp-release"
)";

TEST(RegistriesConfMerge, UpdatesOursAndKeepsEveryOtherByte) {
  const TextMerge merged = merge_registries_conf(k_live, k_ours, "live");
  ASSERT_EQ(merged.changes.size(), 2U);
  EXPECT_EQ(merged.changes[0], "updated [[registry]] registry.redhat.io/ubi9");
  EXPECT_EQ(merged.changes[1], "added [[registry]] quay.io/openshift-release-dev/ocp-release");
  // the top-level keys, the engine's entry (its odd indentation too) and the comment before
  // the replaced table are where they were
  const std::string_view text = merged.text;
  EXPECT_TRUE(
      text.starts_with(k_live.substr(0, k_live.find("[[registry]]\nlocation = 'registry"))));
  EXPECT_NE(text.find("[aliases]\n\"ubi\" = \"registry.redhat.io/ubi9/ubi\"\n"), std::string::npos);
  EXPECT_EQ(text.find("old.site"), std::string::npos);
  EXPECT_NE(text.find("location = \"mirror.test:8443/ubi9\"\n\n[aliases]"), std::string::npos);
  EXPECT_TRUE(text.ends_with("\n\n[[registry]]\nprefix = \"\"\n"
                             "location = \"quay.io/openshift-release-dev/ocp-release\"\n"
                             "mirror-by-digest-only = true\n\n[[registry.mirror]]\n"
                             "location = \"mirror.test:8443/ocp-release\"\n"));
}

TEST(RegistriesConfMerge, SecondMergeChangesNothing) {
  const TextMerge once = merge_registries_conf(k_live, k_ours, "live");
  const TextMerge twice = merge_registries_conf(once.text, k_ours, "live");
  EXPECT_TRUE(twice.changes.empty());
  EXPECT_EQ(twice.text, once.text);
}

TEST(RegistriesConfMerge, EmptyLiveTakesOurs) {
  const TextMerge merged = merge_registries_conf("", k_ours, "live");
  EXPECT_EQ(merged.changes.size(), 2U);
  EXPECT_EQ(merge_registries_conf(merged.text, k_ours, "live").changes.size(), 0U);
}

TEST(RegistriesConfMerge, PrefixIsTheIdentity) {
  // a table whose prefix is our source is ours, whatever its location says
  const std::string live = "[[registry]]\nprefix = \"registry.redhat.io/ubi9\"\n"
                           "location = \"elsewhere.site/ubi9\"\n";
  const TextMerge merged = merge_registries_conf(live, k_ours, "live");
  EXPECT_EQ(merged.changes.front(), "updated [[registry]] registry.redhat.io/ubi9");
  EXPECT_EQ(merged.text.find("elsewhere.site"), std::string::npos);
}

TEST(RegistriesConfMerge, MirrorLocationIsNotTheRegistrys) {
  const std::string live = "[[registry]]\nlocation = \"a.site/x\"\n\n[[registry.mirror]]\n"
                           "location = \"registry.redhat.io/ubi9\"\n";
  const TextMerge merged = merge_registries_conf(live, k_ours, "live");
  EXPECT_EQ(merged.changes.front(), "added [[registry]] registry.redhat.io/ubi9");
  EXPECT_TRUE(merged.text.starts_with(live));
}

TEST(RegistriesConfMerge, RefusesARegistryDefinedTwice) {
  const std::string live = "[[registry]]\nlocation = \"registry.redhat.io/ubi9\"\n"
                           "[[registry]]\nlocation = \"registry.redhat.io/ubi9\"\n";
  try {
    (void)merge_registries_conf(live, k_ours, "configmap/x registries.conf");
    FAIL() << "a registry defined twice was merged";
  } catch (const Error& error) {
    EXPECT_STREQ(error.what(),
                 "configmap/x registries.conf: registry registry.redhat.io/ubi9 is defined twice");
  }
}

TEST(RegistriesConfMerge, RefusesAnInlineArray) {
  const std::string live = "registry = [{location = \"registry.redhat.io/ubi9\"}]\n";
  EXPECT_THROW((void)merge_registries_conf(live, k_ours, "live"), Error);
}

TEST(RegistriesConfMerge, LiveWithoutFinalNewline) {
  const std::string live = "[[registry]]\nlocation = \"a.site/x\"";
  const TextMerge merged = merge_registries_conf(live, k_ours, "live");
  EXPECT_TRUE(merged.text.starts_with("[[registry]]\nlocation = \"a.site/x\"\n\n[[registry]]\n"));
}

} // namespace
} // namespace zbundle::cluster
