#include "core/bundle/prune_plan.hpp"

#include <map>
#include <set>
#include <utility>

namespace zbundle::bundle {
namespace {

class PrunePlanner {
public:
  explicit PrunePlanner(const std::vector<model::RepositoryRecord>& current) {
    for (const model::RepositoryRecord& record : current) {
      std::set<std::string>& digests = m_kept[record.name];
      digests.insert(record.manifests.begin(), record.manifests.end());
      for (const auto& [tag, digest] : record.tags) {
        digests.insert(digest);
      }
    }
  }

  // An earlier repository's manifests and tags: those the current bundle does not reference
  // are dropped.
  void add_earlier(const std::string& repository,
                   const std::set<std::string>& manifests,
                   const std::map<std::string, std::string>& tags) {
    const auto kept = m_kept.find(repository);
    const auto is_kept = [&](const std::string& digest) {
      return kept != m_kept.end() && kept->second.contains(digest);
    };
    for (const std::string& digest : manifests) {
      if (!is_kept(digest)) {
        (void)m_dropped[{repository, digest}];
      }
    }
    for (const auto& [tag, digest] : tags) {
      if (!is_kept(digest)) {
        m_dropped[{repository, digest}].insert(tag);
      }
    }
  }

  [[nodiscard]] std::vector<PruneItem> items() const {
    std::vector<PruneItem> items;
    for (const auto& [where, tags] : m_dropped) {
      items.push_back({where.first, where.second, {tags.begin(), tags.end()}});
    }
    return items;
  }

private:
  std::map<std::string, std::set<std::string>> m_kept; // repository -> referenced digests
  std::map<std::pair<std::string, std::string>, std::set<std::string>> m_dropped;
};

} // namespace

std::vector<PruneItem>
plan_prune(const std::vector<model::RepositoryRecord>& current,
           const std::vector<model::RepositoryRecord>& base,
           const std::vector<model::HeldRepository>& receipt,
           const std::function<std::string(const std::string&)>& pushed_name) {
  PrunePlanner planner(current);
  std::map<std::string, std::string> known; // pushed name -> the bundle's name for it
  for (const auto* records : {&current, &base}) {
    for (const model::RepositoryRecord& record : *records) {
      if (std::string pushed = pushed_name(record.name); !pushed.empty()) {
        known.emplace(std::move(pushed), record.name);
      }
    }
  }
  for (const model::RepositoryRecord& record : base) {
    planner.add_earlier(record.name, record.manifests, record.tags);
  }
  for (const model::HeldRepository& held : receipt) {
    const auto name = known.find(held.name);
    if (name == known.end()) {
      continue; // not the mirror's, as far as zbundle knows: never pruned
    }
    std::set<std::string> manifests;
    for (const auto& [digest, manifest] : held.manifests) {
      manifests.insert(digest);
    }
    planner.add_earlier(name->second, manifests, held.tags);
  }
  return planner.items();
}

} // namespace zbundle::bundle
