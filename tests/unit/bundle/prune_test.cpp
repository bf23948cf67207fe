// Day 2 pruning: the list create signs (prune_plan), what the bastion keeps of it
// (prune_rules), and the history of what push applied (applied_history).

#include "core/bundle/applied_history.hpp"
#include "core/bundle/prune_plan.hpp"
#include "core/bundle/prune_rules.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace zbundle::bundle {
namespace {

using test::fake_digest;

model::RepositoryRecord
record(std::string name, std::map<std::string, std::string> tags, std::set<std::string> manifests) {
  return {std::move(name), std::move(tags), std::move(manifests), {}};
}

std::string same_name(const std::string& name) {
  return name;
}

TEST(PrunePlan, ListsWhatTheBaseHadAndTheNewBundleDrops) {
  const std::vector<model::RepositoryRecord> base = {
      record(
          "release-images", {{"4.16.5", fake_digest('1')}}, {fake_digest('1'), fake_digest('2')}),
      record("ubi", {{"9", fake_digest('3')}}, {fake_digest('3')}),
      record("gone-operator", {{"v1", fake_digest('4')}}, {fake_digest('4')})};
  const std::vector<model::RepositoryRecord> current = {
      record("release-images", {{"4.16.6", fake_digest('5')}}, {fake_digest('5')}),
      // the same image under a new tag: nothing of it to delete
      record("ubi", {{"9.1", fake_digest('3')}}, {fake_digest('3')})};
  const std::vector<PruneItem> items = plan_prune(current, base, {}, same_name);
  const std::vector<PruneItem> expected = {{"gone-operator", fake_digest('4'), {"v1"}},
                                           {"release-images", fake_digest('1'), {"4.16.5"}},
                                           {"release-images", fake_digest('2'), {}}};
  EXPECT_EQ(items, expected);
}

// A receipt also lists what an administrator pushed beside the mirror: only the repositories a
// bundle has are considered, named as push wrote them below the namespace.
TEST(PrunePlan, TakesFromAReceiptOnlyTheBundlesRepositories) {
  const std::vector<model::RepositoryRecord> current = {
      record("release-images", {{"4.16.6", fake_digest('5')}}, {fake_digest('5')})};
  model::HeldRepository release{"pushed/release-images", {{"4.16.5", fake_digest('1')}}, {}};
  release.manifests[fake_digest('1')].manifests = {fake_digest('2')};
  release.manifests[fake_digest('2')] = {};
  release.manifests[fake_digest('5')] = {};
  release.tags["4.16.6"] = fake_digest('5');
  const model::HeldRepository admin{"pushed/team-tool", {{"latest", fake_digest('7')}}, {}};
  const auto pushed = [](const std::string& name) { return "pushed/" + name; };
  const std::vector<PruneItem> items = plan_prune(current, {}, {release, admin}, pushed);
  const std::vector<PruneItem> expected = {{"release-images", fake_digest('1'), {"4.16.5"}},
                                           {"release-images", fake_digest('2'), {}}};
  EXPECT_EQ(items, expected);
}

AppliedRecord applied(char id, std::string release, std::set<std::string> digests) {
  AppliedRecord record{
      std::string(32, id), "2026-12-0" + std::string(1, id) + "T00:00:00Z", {}, {}};
  if (!release.empty()) {
    record.releases.push_back({release, fake_digest(id)});
  }
  record.manifests["release-images"] = std::move(digests);
  return record;
}

TEST(PruneRules, KeepsWhatTheLastReleasesNeed) {
  const std::vector<AppliedRecord> history = {applied('1', "4.16.4", {fake_digest('a')}),
                                              applied('2', "4.16.5", {fake_digest('b')}),
                                              applied('3', "", {fake_digest('c')}),
                                              applied('4', "4.16.6", {fake_digest('d')})};
  const KeptManifests two = kept_by_releases(history, 2);
  // 4.16.6 and 4.16.5, and the operator-only bundle between them
  EXPECT_EQ(two.at("release-images").size(), 3U);
  EXPECT_FALSE(two.at("release-images").contains(fake_digest('a')));
  EXPECT_NE(two.at("release-images").at(fake_digest('b')).find("release 4.16.5 (bundle 2222"),
            std::string::npos);
  EXPECT_EQ(kept_by_releases(history, 1).at("release-images").size(), 1U);
  EXPECT_TRUE(kept_by_releases(history, 0).empty());
  EXPECT_EQ(kept_by_releases(history, 9).at("release-images").size(), 4U);
}

TEST(PruneRules, KeepsWhatAnotherTagAnIndexOrASignatureStillNeeds) {
  // index 1 (dropped, tag 4.16.5) -> children 2, 3; an administrator tagged child 3; index 6
  // (kept by a tag) -> child 7 (listed); 8 signs 6; 9 signs 1 (both listed).
  model::HeldRepository live{"release-images", {}, {}};
  live.tags = {{"4.16.5", fake_digest('1')},
               {"pinned", fake_digest('3')},
               {"mine", fake_digest('6')},
               {"sha256-" + test::fake_hex('6') + ".sig", fake_digest('8')},
               {"sha256-" + test::fake_hex('1') + ".sig", fake_digest('9')}};
  live.manifests[fake_digest('1')].manifests = {fake_digest('2'), fake_digest('3')};
  live.manifests[fake_digest('6')].manifests = {fake_digest('7')};
  for (const char c : {'2', '3', '7', '8', '9'}) {
    live.manifests[fake_digest(c)] = {};
  }
  const std::vector<PruneItem> listed = {
      {"release-images", fake_digest('1'), {"4.16.5"}},
      {"release-images", fake_digest('2'), {}},
      {"release-images", fake_digest('3'), {}},
      {"release-images", fake_digest('7'), {}},
      {"release-images", fake_digest('8'), {"sha256-" + test::fake_hex('6') + ".sig"}},
      {"release-images", fake_digest('9'), {"sha256-" + test::fake_hex('1') + ".sig"}},
      {"release-images", fake_digest('e'), {}}}; // gone already: removal finds out
  std::vector<const PruneItem*> items;
  for (const PruneItem& item : listed) {
    items.push_back(&item);
  }
  const std::vector<PruneDecision> decisions = decide_prune(items, live, {});
  std::map<std::string, PruneDecision> by_digest;
  for (const PruneDecision& decision : decisions) {
    by_digest[decision.item->digest] = decision;
  }
  EXPECT_EQ(by_digest[fake_digest('1')].verdict, PruneVerdict::remove);
  EXPECT_EQ(by_digest[fake_digest('2')].verdict, PruneVerdict::remove);
  EXPECT_EQ(by_digest[fake_digest('3')].reason, "the tag pinned still names it");
  EXPECT_EQ(by_digest[fake_digest('7')].reason,
            "a child of " + fake_digest('6') + ", which is kept");
  EXPECT_EQ(by_digest[fake_digest('8')].reason,
            "the signature of " + fake_digest('6') + ", which is kept");
  EXPECT_EQ(by_digest[fake_digest('9')].verdict, PruneVerdict::remove);
  EXPECT_EQ(by_digest[fake_digest('e')].verdict, PruneVerdict::remove);
  // the index goes before its children, the kept come last
  EXPECT_EQ(decisions.front().item->digest, fake_digest('1'));
  EXPECT_EQ(decisions.back().verdict, PruneVerdict::keep);

  // what the releases kept keeps the index, and with it both children and its signature
  const std::vector<PruneDecision> kept =
      decide_prune(items, live, {{fake_digest('1'), "release 4.16.5 is kept"}});
  for (const PruneDecision& decision : kept) {
    EXPECT_EQ(decision.verdict == PruneVerdict::remove, decision.item->digest == fake_digest('e'))
        << decision.item->digest << ": " << decision.reason;
  }
}

TEST(AppliedHistory, RecordsEachPushKeepsTheNewestAndRefusesMalformedFiles) {
  const test::TempDir state;
  EXPECT_TRUE(applied_history(state.path(), "push:r/ns").empty());
  Manifest manifest;
  manifest.created = "2026-12-01T00:00:00Z";
  manifest.releases = {{"4.16.5-multi", fake_digest('1')}};
  manifest.repositories = {
      record("release-images", {{"4.16.5", fake_digest('1')}}, {fake_digest('2')})};
  for (std::size_t i = 0; i < k_applied_kept + 3; ++i) {
    manifest.bundle_id = std::string(31, 'a') + "0123456789abcdef"[i % 16];
    manifest.bundle_id[0] = static_cast<char>('a' + i / 16);
    record_applied(state.path(), "push:r/ns", manifest);
  }
  record_applied(state.path(), "push:r/ns", manifest); // a re-run replaces its own record
  record_applied(state.path(), "push:other", manifest);
  const std::vector<AppliedRecord> history = applied_history(state.path(), "push:r/ns");
  ASSERT_EQ(history.size(), k_applied_kept);
  EXPECT_EQ(history.back().id, manifest.bundle_id);
  EXPECT_EQ(history.back().releases, manifest.releases);
  const std::set<std::string> expected = {fake_digest('1'), fake_digest('2')};
  EXPECT_EQ(history.back().manifests.at("release-images"), expected);
  EXPECT_EQ(applied_history(state.path(), "push:other").size(), 1U);

  test::write_file(
      state / "applied.json",
      R"({"push:r/ns": [{"bundle_id": "x", "created": "", "releases": [], "repositories": {}}]})");
  EXPECT_ZB_ERROR(applied_history(state.path(), "push:r/ns"), ErrorKind::input, "bundle_id");
  test::write_file(
      state / "applied.json",
      R"({"push:r/ns": [{"bundle_id": ")" + std::string(32, 'a')
          + R"(", "created": "2026-12-01T00:00:00Z", "releases": [], "repositories": {"../x": []}}]})");
  EXPECT_ZB_ERROR(
      applied_history(state.path(), "push:r/ns"), ErrorKind::input, "malformed repository");
  test::write_file(state / "applied.json", "[]");
  EXPECT_ZB_ERROR(
      applied_history(state.path(), "push:r/ns"), ErrorKind::input, "not a zbundle history");
}

} // namespace
} // namespace zbundle::bundle
