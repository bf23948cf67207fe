#pragma once

// zbundle-extract prune, whatever holds the images: a registry (registry/prune.hpp) or an
// expanded tree (extract/tree_registry.hpp). The bundle's signed prune list, checked against
// what the target holds now (prune_rules.hpp), is carried out through a PruneTarget; each
// deletion leaves an audit line in the state directory.

#include "core/bundle/bundle_reader.hpp"
#include "core/model/held_images.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace zbundle::bundle {

class PruneTarget {
public:
  PruneTarget() = default;
  PruneTarget(const PruneTarget&) = delete;
  PruneTarget& operator=(const PruneTarget&) = delete;
  virtual ~PruneTarget() = default;

  // The target's name for the repository a bundle names `repository`.
  [[nodiscard]] virtual std::string name_of(const std::string& repository,
                                            const Manifest& manifest) const = 0;
  // What repository `name` holds now: tags and the manifests they reach.
  [[nodiscard]] virtual model::HeldRepository read(const std::string& name) = 0;
  // Deletes manifest `digest` of `name` with the tags naming it; false when it is not there.
  [[nodiscard]] virtual bool remove(const std::string& name, const std::string& digest) = 0;
};

struct PruneRun {
  std::filesystem::path bundle;
  Trust trust;
  std::string target;              // "push:<location>" or "expand:<dir>", as push and expand record
  std::string audit_name;          // how the audit lines name the target: a location, a directory
  std::filesystem::path state_dir; // applied.json (read) and prune.log (appended)
  unsigned keep_releases = 2;
  bool dry_run = false;
  std::int64_t now = 0; // for the audit lines, Unix seconds
};

struct PrunedManifest {
  std::string repository; // as the target names it
  std::string digest;
  std::vector<std::string> tags; // the tags the prune list drops with it
  enum class Outcome { deleted, would_delete, already_gone, kept } outcome = Outcome::kept;
  std::string reason; // why it was kept
};

struct PruneResult {
  std::string bundle_id;
  std::vector<PrunedManifest> manifests; // in the order they were handled
};

// Verifies the bundle, checks it is the one applied last to the target (pruning for an older
// one could delete what a newer one brought: Error{check}), then carries out its prune list.
// `open` is called once, and only when the list is not empty, for the target.
[[nodiscard]] PruneResult prune(const PruneRun& run,
                                const std::function<std::unique_ptr<PruneTarget>()>& open);

} // namespace zbundle::bundle
