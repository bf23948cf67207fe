#include "core/check/agent_content.hpp"

#include "core/util/str_cat.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace zbundle::check {
namespace {

struct AgentComponent {
  std::string_view prefix; // of the repository name's last part
  std::string_view role;
};

constexpr std::array<AgentComponent, 8> k_components{{
    {"mce-operator-bundle", "the multicluster engine operator bundle"},
    {"backplane-rhel", "the multicluster engine operator"},
    {"hypershift-rhel", "the HyperShift operator"},
    {"assisted-service-", "assisted-service"},
    {"assisted-image-service-rhel", "the assisted image service (discovery ISOs)"},
    {"assisted-installer-rhel", "the assisted installer"},
    {"assisted-installer-agent-rhel", "the discovery agent"},
    {"assisted-installer-reporter-rhel", "the assisted installer controller"},
}};

std::string_view last_part(std::string_view name) {
  const std::size_t slash = name.rfind('/');
  return slash == std::string_view::npos ? name : name.substr(slash + 1);
}

} // namespace

std::vector<model::Problem>
check_agent_content(const std::vector<model::RepositoryRecord>& repositories) {
  std::vector<model::Problem> problems;
  for (const AgentComponent& component : k_components) {
    const bool is_held = std::any_of(
        repositories.begin(), repositories.end(), [&](const model::RepositoryRecord& repository) {
          return last_part(repository.name).starts_with(component.prefix)
                 && (!repository.tags.empty() || !repository.manifests.empty());
        });
    if (!is_held) {
      problems.emplace_back(model::ProblemKind::missing_agent_content,
                            util::str_cat("multicluster-engine/", component.prefix, "*"),
                            util::str_cat("mirrored: ", component.role),
                            "not in the mirror; the Agent platform's management cluster pulls it");
    }
  }
  return problems;
}

} // namespace zbundle::check
