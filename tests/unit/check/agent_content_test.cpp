#include "core/check/agent_content.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace zbundle::check {
namespace {

model::RepositoryRecord held(const std::string& name) {
  return {name, {{"v1", "sha256:" + std::string(64, 'a')}}, {}, {}};
}

std::vector<model::RepositoryRecord> every_component(const std::string& prefix) {
  std::vector<model::RepositoryRecord> records;
  for (const char* name : {"mce-operator-bundle",
                           "backplane-rhel9-operator",
                           "hypershift-rhel9-operator",
                           "assisted-service-9-rhel9",
                           "assisted-image-service-rhel9",
                           "assisted-installer-rhel9",
                           "assisted-installer-agent-rhel9",
                           "assisted-installer-reporter-rhel9"}) {
    records.push_back(held(prefix + name));
  }
  return records;
}

TEST(AgentContent, NamesEveryComponentOfAnEmptyMirror) {
  const std::vector<model::Problem> problems = check_agent_content({held("ubi9/ubi")});
  ASSERT_EQ(problems.size(), 8U);
  EXPECT_TRUE(std::all_of(problems.begin(), problems.end(), [](const model::Problem& p) {
    return p.kind == model::ProblemKind::missing_agent_content;
  }));
  EXPECT_EQ(problems[3].subject, "multicluster-engine/assisted-service-*");
}

TEST(AgentContent, AcceptsTheComponentsBelowAnyNamespace) {
  EXPECT_TRUE(check_agent_content(every_component("multicluster-engine/")).empty());
  EXPECT_TRUE(check_agent_content(every_component("site/ocp/multicluster-engine/")).empty());
}

TEST(AgentContent, AnEmptyRepositoryOrAnotherNameIsNotTheComponent) {
  std::vector<model::RepositoryRecord> records = every_component("multicluster-engine/");
  records[6].tags.clear(); // assisted-installer-agent: listed, holds nothing
  records[5].name = "multicluster-engine/my-assisted-installer-rhel9";
  const std::vector<model::Problem> problems = check_agent_content(records);
  ASSERT_EQ(problems.size(), 2U);
  EXPECT_EQ(problems[0].subject, "multicluster-engine/assisted-installer-rhel*");
  EXPECT_EQ(problems[1].subject, "multicluster-engine/assisted-installer-agent-rhel*");
}

} // namespace
} // namespace zbundle::check
