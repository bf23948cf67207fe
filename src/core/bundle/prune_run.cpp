#include "core/bundle/prune_run.hpp"

#include "core/bundle/applied_history.hpp"
#include "core/bundle/prune_rules.hpp"
#include "core/pki/certificate_file.hpp"
#include "core/util/error.hpp"
#include "core/util/fd.hpp"
#include "core/util/str_cat.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <system_error>

namespace zbundle::bundle {
namespace {

namespace fs = std::filesystem;
using util::str_cat;

// Appends one line to `state_dir`/prune.log and syncs it: the record outlives a crash right
// after the deletion it tells of.
void append_audit_line(const fs::path& state_dir, const std::string& line) {
  const fs::path file = state_dir / "prune.log";
  std::error_code error;
  fs::create_directories(state_dir, error);
  const util::Fd fd(::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644));
  if (!fd.is_open()) {
    throw Error(ErrorKind::io, str_cat(file.string(), ": cannot open: ", std::strerror(errno)));
  }
  const std::string text = line + "\n";
  if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())
      || ::fsync(fd.get()) != 0) {
    throw Error(ErrorKind::io, str_cat(file.string(), ": cannot write: ", std::strerror(errno)));
  }
}

std::string joined(const std::vector<std::string>& tags) {
  std::string text;
  for (const std::string& tag : tags) {
    text += text.empty() ? tag : str_cat(",", tag);
  }
  return text.empty() ? "-" : text;
}

// The bundle must be the one applied last to the target: its prune list was made against what
// the target held before it, and a newer bundle may have brought back what an older list drops.
std::vector<AppliedRecord> checked_history(const PruneRun& run, const Manifest& manifest) {
  std::vector<AppliedRecord> history = applied_history(run.state_dir, run.target);
  if (history.empty() || history.back().id != manifest.bundle_id) {
    throw Error(ErrorKind::check,
                str_cat(run.bundle.string(),
                        ": bundle ",
                        manifest.bundle_id,
                        " is not the bundle applied last to ",
                        run.audit_name,
                        history.empty() ? " (nothing is recorded in "
                                        : str_cat(" (that is ", history.back().id, ", in "),
                        run.state_dir.string(),
                        "): apply it first, or prune with the newest bundle"));
  }
  return history;
}

} // namespace

PruneResult prune(const PruneRun& run, const std::function<std::unique_ptr<PruneTarget>()>& open) {
  const BundleReader reader(run.bundle, run.trust); // the signature first
  const Manifest& manifest = reader.manifest();
  const std::vector<AppliedRecord> history = checked_history(run, manifest);
  KeptManifests kept = kept_by_releases(history, run.keep_releases);
  for (const model::RepositoryRecord& record : manifest.repositories) {
    for (const std::string& digest : record.manifests) {
      kept[record.name].emplace(digest, "the bundle references it");
    }
  }
  std::map<std::string, std::vector<const PruneItem*>> by_repository;
  for (const PruneItem& item : manifest.prune) {
    by_repository[item.repository].push_back(&item);
  }
  PruneResult result{manifest.bundle_id, {}};
  if (by_repository.empty()) {
    return result;
  }
  const std::unique_ptr<PruneTarget> target = open();
  for (const auto& [listed, items] : by_repository) {
    const std::string& repository = listed; // clang 14 captures no structured binding
    const std::string name = target->name_of(repository, manifest);
    // A signer may list anything; only what bundles brought here is theirs to take away.
    const bool is_ours = std::any_of(history.begin(), history.end(), [&](const auto& record) {
      return record.manifests.contains(repository);
    });
    const model::HeldRepository live = is_ours ? target->read(name) : model::HeldRepository{};
    for (PruneDecision& decision : decide_prune(items, live, kept[repository])) {
      if (!is_ours) {
        decision = {
            decision.item, PruneVerdict::keep, "no bundle applied here has this repository"};
      }
      PrunedManifest pruned{name, decision.item->digest, decision.item->tags, {}, decision.reason};
      if (decision.verdict == PruneVerdict::keep) {
        pruned.outcome = PrunedManifest::Outcome::kept;
      } else if (run.dry_run) {
        pruned.outcome = PrunedManifest::Outcome::would_delete;
      } else if (target->remove(name, pruned.digest)) {
        pruned.outcome = PrunedManifest::Outcome::deleted;
        append_audit_line(run.state_dir,
                          str_cat(pki::format_time(run.now),
                                  " deleted ",
                                  run.audit_name,
                                  " ",
                                  name,
                                  "@",
                                  pruned.digest,
                                  " tags ",
                                  joined(pruned.tags),
                                  " bundle ",
                                  manifest.bundle_id));
      } else {
        pruned.outcome = PrunedManifest::Outcome::already_gone;
      }
      result.manifests.push_back(std::move(pruned));
    }
  }
  return result;
}

} // namespace zbundle::bundle
