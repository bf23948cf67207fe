#include "push_command.hpp"

#include "bundle_commands.hpp"
#include "cli_support.hpp"
#include "core/registry/push.hpp"
#include "core/registry/registry_auth.hpp"
#include "core/registry/registry_client.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/text_file.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>

namespace zbundle::cli {
namespace {

namespace fs = std::filesystem;
namespace po = boost::program_options;

// Failures named in the error message; the rest are counted (--json lists them all).
constexpr std::size_t k_failures_named = 20;

void print_summary(const registry::PushResult& result, bool is_dry_run, bool as_json) {
  if (as_json) {
    nlohmann::ordered_json summary{
        {"bundle", result.bundle_id},
        {"target", result.target},
        {"dry_run", is_dry_run},
        {"repositories", result.repositories},
        {"manifests", {{"pushed", result.manifests_pushed}, {"present", result.manifests_present}}},
        {"tags", {{"pushed", result.tags_pushed}, {"present", result.tags_present}}},
        {"blobs",
         {{"planned", result.blobs_planned},
          {"uploaded", result.blobs_uploaded},
          {"mounted", result.blobs_mounted},
          {"present", result.blobs_present}}},
        {"bytes", {{"planned", result.bytes_planned}, {"uploaded", result.bytes_uploaded}}},
        {"reread", {{"blobs", result.blobs_reread}, {"bytes", result.bytes_reread}}},
        {"failures", result.failures}};
    std::cout << summary.dump(2) << '\n';
    return;
  }
  if (is_dry_run) {
    std::cout << "would push bundle " << result.bundle_id << " to " << result.target << ": "
              << result.repositories << " repositories, " << result.blobs_planned << " blobs ("
              << human_bytes(result.bytes_planned) << ")\n";
    return;
  }
  std::cout << "pushed bundle " << result.bundle_id << " to " << result.target << ": "
            << result.manifests_pushed << " manifests pushed, " << result.manifests_present
            << " present; " << result.tags_pushed << " tags pushed, " << result.tags_present
            << " present; blobs " << result.blobs_uploaded << " uploaded ("
            << human_bytes(result.bytes_uploaded) << "), " << result.blobs_mounted << " mounted, "
            << result.blobs_present << " present, " << result.blobs_reread
            << " read again to retry; " << result.failures.size() << " failed\n";
}

} // namespace

void add_registry_access_options(po::options_description& options) {
  options.add_options()("ca",
                        po::value<std::string>(),
                        "CA certificates for the registry (push: default the bundle's)")(
      "authfile", po::value<std::string>(), "containers auth file with the registry's credentials")(
      "insecure-http", "plain HTTP instead of TLS (a test registry on 127.0.0.1)")(
      "resolve", po::value<std::string>(), "HOST:ADDRESS: connect to ADDRESS for HOST");
}

RegistryAccess registry_access_from(const po::variables_map& values,
                                    const ics::MirrorName& target) {
  RegistryAccess access;
  if (values.count("ca")) {
    access.ca = values["ca"].as<std::string>();
  }
  access.authfile = values.count("authfile")
                        ? fs::path(values["authfile"].as<std::string>())
                        : registry::default_auth_file({environment_value("REGISTRY_AUTH_FILE"),
                                                       environment_value("XDG_RUNTIME_DIR"),
                                                       environment_value("HOME")});
  access.insecure_http = values.count("insecure-http") > 0;
  if (values.count("resolve")) {
    const std::string resolve = values["resolve"].as<std::string>();
    const std::size_t colon = resolve.find(':');
    if (colon == std::string::npos || resolve.substr(0, colon) != target.host) {
      throw Error(ErrorKind::usage,
                  "--resolve " + resolve + ": give HOST:ADDRESS, HOST as --to names it");
    }
    access.connect_address = resolve.substr(colon + 1);
  }
  return access;
}

RegistryLogin registry_login(const RegistryAccess& access, const ics::MirrorName& target) {
  constexpr std::size_t k_ca_limit = std::size_t{1} << 20;
  RegistryLogin login{
      registry::registry_endpoint(target,
                                  access.insecure_http,
                                  access.connect_address,
                                  access.ca.empty() ? std::string()
                                                    : util::read_text_file(access.ca, k_ca_limit)),
      std::nullopt};
  if (!access.authfile.empty()) {
    login.basic_auth = registry::read_registry_auth(access.authfile, target.auth_file_key());
  }
  return login;
}

int run_push(const std::vector<std::string>& args) {
  po::options_description options(
      "zbundle-extract push B --to HOST[:PORT][/NAMESPACE] (--pubkey PUB.pem | --trust-ca "
      "ROOT.pem --signer-name NAME) [--ca CA.pem] [--authfile FILE] [--jobs N] [--dry-run] "
      "[--json]");
  options.add_options()("to", po::value<std::string>(), "the registry and namespace to push into")(
      "rewrite", "push to another registry than the one the bundle was made for")(
      "jobs",
      po::value<unsigned>()->default_value(4),
      "uploads in flight, each on its own connection")(
      "attempts",
      po::value<unsigned>()->default_value(3),
      "tries of a blob that failed on a 5xx or a broken connection (read again by seeking)")(
      "dry-run", "print what would be pushed; connect nowhere")(
      "json", "print the summary as JSON")("help,h", "show this help");
  add_registry_access_options(options);
  add_sequence_options(options);
  const std::optional<po::variables_map> parsed = parse_bundle_arguments("push", args, options);
  if (!parsed) {
    return 0;
  }
  const po::variables_map& values = *parsed;
  if (!values.count("to")) {
    throw Error(ErrorKind::usage, "push: --to HOST[:PORT][/NAMESPACE] is required");
  }
  registry::PushOptions push;
  push.bundle = values["bundle"].as<std::string>();
  push.trust = trust_from(values, TrustNeed::required);
  push.target = ics::parse_mirror_name(values["to"].as<std::string>());
  push.rewrite = values.count("rewrite") > 0;
  push.dry_run = values.count("dry-run") > 0;
  push.state_dir = state_dir_from(values, "/var/lib/zbundle");
  push.allow_rollback = values.count("allow-rollback") > 0;
  push.retry.attempts = std::max(1U, values["attempts"].as<unsigned>());
  push.jobs = std::clamp(values["jobs"].as<unsigned>(), 1U, 64U);
  RegistryAccess access = registry_access_from(values, push.target);
  push.ca = std::move(access.ca);
  push.authfile = std::move(access.authfile);
  push.insecure_http = access.insecure_http;
  push.connect_address = std::move(access.connect_address);
  if (const std::string tmpdir = environment_value("TMPDIR"); !tmpdir.empty()) {
    push.scratch_dir = tmpdir;
  }
  registry::PushResult result;
  {
    Progress progress; // cleared before the summary
    push.progress = [&progress](std::uint64_t done, std::uint64_t total) { progress(done, total); };
    result = registry::push_bundle(push);
  }
  print_summary(result, push.dry_run, values.count("json") > 0);
  if (!result.failures.empty()) { // what did land stays: a re-run sends only what is missing
    std::string named;
    for (std::size_t i = 0; i < result.failures.size() && i < k_failures_named; ++i) {
      named += util::str_cat("\n  ", result.failures[i]);
    }
    if (result.failures.size() > k_failures_named) {
      named += util::str_cat("\n  ... and ", result.failures.size() - k_failures_named, " more");
    }
    throw Error(
        ErrorKind::check,
        util::str_cat("push to ", result.target, ": ", result.failures.size(), " failed:", named));
  }
  return 0;
}

} // namespace zbundle::cli
