// zbundle-extract prune: deletes from the site's registry what the bundle applied last dropped
// of what came before, keeping what the bundle, the last releases applied and every other tag
// still need (docs/day-2.md, "Pruning").

#include "bundle_commands.hpp"
#include "cli_support.hpp"
#include "core/extract/tree_registry.hpp"
#include "core/registry/prune.hpp"
#include "core/util/error.hpp"
#include "push_command.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <iostream>

namespace zbundle::cli {
namespace {

namespace po = boost::program_options;
using Outcome = bundle::PrunedManifest::Outcome;

std::string_view outcome_name(Outcome outcome) {
  switch (outcome) {
  case Outcome::deleted:
    return "deleted";
  case Outcome::would_delete:
    return "would-delete";
  case Outcome::already_gone:
    return "already-gone";
  case Outcome::kept:
    return "kept";
  }
  return "kept";
}

void print_json(const bundle::PruneResult& result, const std::string& target, bool is_dry_run) {
  nlohmann::ordered_json manifests = nlohmann::ordered_json::array();
  for (const bundle::PrunedManifest& pruned : result.manifests) {
    manifests.push_back({{"repository", pruned.repository},
                         {"digest", pruned.digest},
                         {"tags", pruned.tags},
                         {"outcome", outcome_name(pruned.outcome)},
                         {"reason", pruned.reason}});
  }
  std::cout << nlohmann::ordered_json{{"bundle", result.bundle_id},
                                      {"target", target},
                                      {"dry_run", is_dry_run},
                                      {"manifests", std::move(manifests)}}
                   .dump(2)
            << '\n';
}

void print_text(const bundle::PruneResult& result, const std::string& target, bool is_dry_run) {
  std::array<std::size_t, 4> counts{};
  for (const bundle::PrunedManifest& pruned : result.manifests) {
    ++counts.at(static_cast<std::size_t>(pruned.outcome));
    std::cout << outcome_name(pruned.outcome) << ' ' << pruned.repository << '@' << pruned.digest;
    if (!pruned.tags.empty()) {
      std::cout << " (was";
      for (const std::string& tag : pruned.tags) {
        std::cout << ' ' << tag;
      }
      std::cout << ')';
    }
    if (!pruned.reason.empty()) {
      std::cout << ": " << pruned.reason;
    }
    std::cout << '\n';
  }
  const auto count = [&counts](Outcome outcome) {
    return counts.at(static_cast<std::size_t>(outcome));
  };
  std::cout << (is_dry_run ? "would prune " : "pruned ") << target << " for bundle "
            << result.bundle_id << ": "
            << count(is_dry_run ? Outcome::would_delete : Outcome::deleted)
            << (is_dry_run ? " to delete, " : " deleted, ") << count(Outcome::kept) << " kept, "
            << count(Outcome::already_gone) << " already gone\n";
  if (!is_dry_run && count(Outcome::deleted) > 0) {
    std::cout
        << "The layers of deleted manifests stay on disk until the registry collects them:\n"
           "  docker-registry (CNCF distribution): with the registry stopped or read-only,\n"
           "    docker-registry garbage-collect /etc/docker/registry/config.yml\n"
           "    (not --delete-untagged: distribution 2.x also deletes the platform manifests an\n"
           "    index lists)\n"
           "  Quay and the mirror registry for Red Hat OpenShift collect them on their own.\n";
  }
}

} // namespace

int run_prune(const std::vector<std::string>& args) {
  po::options_description options(
      "zbundle-extract prune B (--to HOST[:PORT][/NAMESPACE] | --from DIR) (--pubkey PUB.pem | "
      "--trust-ca ROOT.pem --signer-name NAME) [--keep-release N] [--dry-run] [--ca CA.pem] "
      "[--authfile FILE] [--json]\n"
      "Deletes the manifests the bundle's signed prune list names, once it was applied last, "
      "except those the bundle, the last N releases applied or another tag still need");
  options.add_options()("to", po::value<std::string>(), "the registry and namespace to prune")(
      "from", po::value<std::string>(), "the expanded tree (expand --to DIR) to prune instead")(
      "keep-release",
      po::value<unsigned>()->default_value(2),
      "keep what the last N releases applied need")("dry-run",
                                                    "say what would be deleted; delete nothing")(
      "state-dir",
      po::value<std::string>(),
      "where push and expand recorded what they applied; the audit log prune.log goes there "
      "(default: $ZBUNDLE_STATE_DIR, else /var/lib/zbundle)")("json", "print the outcome as JSON")(
      "help,h", "show this help");
  add_registry_access_options(options);
  const std::optional<po::variables_map> parsed = parse_bundle_arguments("prune", args, options);
  if (!parsed) {
    return 0;
  }
  const po::variables_map& values = *parsed;
  if (values.count("to") == values.count("from")) {
    throw Error(ErrorKind::usage,
                "prune: give either --to HOST[:PORT][/NAMESPACE] (a registry) or --from DIR (an "
                "expanded tree)");
  }
  bundle::PruneRun run;
  run.bundle = values["bundle"].as<std::string>();
  run.trust = trust_from(values, TrustNeed::required);
  run.state_dir = state_dir_from(values, "/var/lib/zbundle");
  run.keep_releases = values["keep-release"].as<unsigned>();
  run.dry_run = values.count("dry-run") > 0;
  run.now = unix_now();
  bundle::PruneResult result;
  std::string target;
  if (values.count("from")) {
    const std::string tree = values["from"].as<std::string>();
    result = extract::prune_tree(tree, run);
    target = tree;
  } else {
    registry::PruneOptions prune{
        run, ics::parse_mirror_name(values["to"].as<std::string>()), {}, {}};
    RegistryLogin login = registry_login(registry_access_from(values, prune.target), prune.target);
    prune.endpoint = std::move(login.endpoint);
    prune.basic_auth = std::move(login.basic_auth);
    target = prune.target.location();
    result = registry::prune_registry(std::move(prune));
  }
  if (values.count("json")) {
    print_json(result, target, run.dry_run);
  } else {
    print_text(result, target, run.dry_run);
  }
  return 0;
}

} // namespace zbundle::cli
