#include "core/bundle/prune_rules.hpp"

#include "core/oci/reference_graph.hpp"
#include "core/util/str_cat.hpp"

#include <algorithm>
#include <set>
#include <utility>

namespace zbundle::bundle {
namespace {

using util::str_cat;

std::string release_names(const AppliedRecord& record) {
  std::string names;
  for (const model::ReleaseImage& release : record.releases) {
    names += names.empty() ? release.name : str_cat(", ", release.name);
  }
  return names;
}

// Adds the children `live` knows of every kept manifest, down to the leaves. True when any.
bool add_children(std::map<std::string, std::string>& reasons, const model::HeldRepository& live) {
  std::vector<std::string> pending;
  pending.reserve(reasons.size());
  for (const auto& [digest, reason] : reasons) {
    pending.push_back(digest);
  }
  bool has_added = false;
  while (!pending.empty()) {
    const std::string digest = std::move(pending.back());
    pending.pop_back();
    const auto held = live.manifests.find(digest);
    if (held == live.manifests.end()) {
      continue;
    }
    for (const std::string& child : held->second.manifests) {
      if (reasons.emplace(child, str_cat("a child of ", digest, ", which is kept")).second) {
        pending.push_back(child);
        has_added = true;
      }
    }
  }
  return has_added;
}

// Adds the listed signatures ("sha256-<hex>.sig" signs sha256:<hex>) of kept manifests. True
// when any.
bool add_signatures(std::map<std::string, std::string>& reasons,
                    const std::vector<const PruneItem*>& items) {
  bool has_added = false;
  for (const PruneItem* item : items) {
    for (const std::string& tag : item->tags) {
      if (!oci::is_signature_tag(tag)) {
        continue;
      }
      const std::string subject =
          str_cat("sha256:", std::string_view(tag).substr(std::string_view("sha256-").size(), 64));
      if (reasons.contains(subject)
          && reasons.emplace(item->digest, str_cat("the signature of ", subject, ", which is kept"))
                 .second) {
        has_added = true;
      }
    }
  }
  return has_added;
}

} // namespace

KeptManifests kept_by_releases(const std::vector<AppliedRecord>& history, unsigned keep_releases) {
  KeptManifests kept;
  std::set<std::string> covered;
  for (std::size_t newer = history.size(); newer-- > 0;) { // newest first
    const AppliedRecord* const record = &history[newer];
    if (covered.size() >= keep_releases) {
      break;
    }
    for (const model::ReleaseImage& release : record->releases) {
      covered.insert(release.digest.empty() ? release.name : release.digest);
    }
    const std::string reason =
        record->releases.empty() ? str_cat(
            "bundle ", record->id, " is among the last ", keep_releases, " releases' bundles")
                                 : str_cat("release ",
                                           release_names(*record),
                                           " (bundle ",
                                           record->id,
                                           ") is among the last ",
                                           keep_releases,
                                           " releases applied");
    for (const auto& [repository, digests] : record->manifests) {
      for (const std::string& digest : digests) {
        kept[repository].emplace(digest, reason);
      }
    }
  }
  return kept;
}

std::vector<PruneDecision> decide_prune(const std::vector<const PruneItem*>& items,
                                        const model::HeldRepository& live,
                                        const std::map<std::string, std::string>& kept) {
  std::set<std::pair<std::string, std::string>> dropped; // (tag, digest) the list lets go
  for (const PruneItem* item : items) {
    for (const std::string& tag : item->tags) {
      dropped.emplace(tag, item->digest);
    }
  }
  std::map<std::string, std::string> reasons = kept;
  for (const auto& [tag, digest] : live.tags) {
    if (!dropped.contains({tag, digest})) {
      reasons.emplace(digest, str_cat("the tag ", tag, " still names it"));
    }
  }
  // A signature kept may be an index's child in principle: until nothing changes.
  while (add_children(reasons, live) || add_signatures(reasons, items)) {
  }
  std::vector<PruneDecision> decisions;
  for (const PruneItem* item : items) {
    const auto reason = reasons.find(item->digest);
    decisions.push_back(reason == reasons.end()
                            ? PruneDecision{item, PruneVerdict::remove, {}}
                            : PruneDecision{item, PruneVerdict::keep, reason->second});
  }
  const auto rank = [&](const PruneDecision& decision) {
    if (decision.verdict == PruneVerdict::keep) {
      return 2;
    }
    const auto held = live.manifests.find(decision.item->digest);
    return held != live.manifests.end() && !held->second.manifests.empty() ? 0 : 1;
  };
  std::stable_sort(decisions.begin(), decisions.end(), [&](const auto& left, const auto& right) {
    return rank(left) < rank(right);
  });
  return decisions;
}

} // namespace zbundle::bundle
