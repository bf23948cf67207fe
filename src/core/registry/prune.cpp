#include "core/registry/prune.hpp"

#include "core/pki/certificate_file.hpp"
#include "core/registry/inventory.hpp"
#include "core/registry/push_state.hpp"
#include "core/registry/registry_client.hpp"
#include "core/util/error.hpp"
#include "core/util/fd.hpp"
#include "core/util/str_cat.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <system_error>

namespace zbundle::registry {
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

// The bundle must be the one push applied last here: its prune list was made against what the
// target held before it, and a newer bundle may have brought back what an older list drops.
std::vector<bundle::AppliedRecord> checked_history(const PruneOptions& options,
                                                   const bundle::Manifest& manifest) {
  const std::string target = str_cat("push:", options.target.location());
  std::vector<bundle::AppliedRecord> history = bundle::applied_history(options.state_dir, target);
  if (history.empty() || history.back().id != manifest.bundle_id) {
    throw Error(ErrorKind::check,
                str_cat(options.bundle.string(),
                        ": bundle ",
                        manifest.bundle_id,
                        " is not the bundle pushed last to ",
                        options.target.location(),
                        history.empty() ? " (nothing is recorded in "
                                        : str_cat(" (that is ", history.back().id, ", in "),
                        options.state_dir.string(),
                        "): push it first, or prune with the newest bundle"));
  }
  return history;
}

} // namespace

PruneResult prune_registry(const PruneOptions& options) {
  const bundle::BundleReader reader(options.bundle, options.trust); // the signature first
  const bundle::Manifest& manifest = reader.manifest();
  const std::vector<bundle::AppliedRecord> history = checked_history(options, manifest);
  bundle::KeptManifests kept = bundle::kept_by_releases(history, options.keep_releases);
  for (const model::RepositoryRecord& record : manifest.repositories) {
    for (const std::string& digest : record.manifests) {
      kept[record.name].emplace(digest, "the bundle references it");
    }
  }
  std::map<std::string, std::vector<const bundle::PruneItem*>> by_repository;
  for (const bundle::PruneItem& item : manifest.prune) {
    by_repository[item.repository].push_back(&item);
  }

  PruneResult result{manifest.bundle_id, options.target.location(), {}};
  if (by_repository.empty()) {
    return result;
  }
  RegistryClient client(options.endpoint, options.basic_auth);
  client.check_api();
  for (const auto& [name, items] : by_repository) {
    const std::string full = detail::destination(options.target, name, manifest.max_nested_paths);
    const model::HeldRepository live = read_repository(client, full);
    for (const bundle::PruneDecision& decision : bundle::decide_prune(items, live, kept[name])) {
      PrunedManifest pruned{full, decision.item->digest, decision.item->tags, {}, decision.reason};
      if (decision.verdict == bundle::PruneVerdict::keep) {
        pruned.outcome = PrunedManifest::Outcome::kept;
      } else if (options.dry_run) {
        pruned.outcome = PrunedManifest::Outcome::would_delete;
      } else if (client.delete_manifest(full, pruned.digest)) {
        pruned.outcome = PrunedManifest::Outcome::deleted;
        append_audit_line(options.state_dir,
                          str_cat(pki::format_time(options.now),
                                  " deleted ",
                                  options.target.registry(),
                                  "/",
                                  full,
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

} // namespace zbundle::registry
