#include "extract_commands.hpp"

#include "bundle_commands.hpp"
#include "cli_support.hpp"
#include "core/extract/apply.hpp"
#include "core/extract/expand.hpp"
#include "core/util/error.hpp"

#include <ctime>
#include <iostream>

namespace zbundle::cli {

namespace po = boost::program_options;

int run_expand(const std::vector<std::string>& args) {
  po::options_description options(
      "zbundle-extract expand B --to DIR (--pubkey PUB.pem | --trust-ca ROOT.pem --signer-name "
      "NAME) [--only registry|artifacts|oc-mirror|boot]");
  options.add_options()("to", po::value<std::string>(), "the directory to expand into")(
      "only",
      po::value<std::string>(),
      "expand only this part: registry, artifacts, oc-mirror or boot")(
      "no-space-check", "write even when the payload may not fit (a full disk still fails clean)")(
      "help,h", "show this help");
  add_sequence_options(options);
  const std::optional<po::variables_map> parsed = parse_bundle_arguments("expand", args, options);
  if (!parsed) {
    return 0;
  }
  const po::variables_map& values = *parsed;
  if (!values.count("to")) {
    throw Error(ErrorKind::usage, "expand: --to DIR is required");
  }
  extract::ExpandOptions expand;
  expand.bundle = values["bundle"].as<std::string>();
  expand.trust = trust_from(values, TrustNeed::required);
  expand.target = values["to"].as<std::string>();
  if (values.count("only")) {
    expand.only = extract::parse_part(values["only"].as<std::string>());
  }
  expand.state_dir = state_dir_from(values, "/var/lib/zbundle");
  expand.allow_rollback = values.count("allow-rollback") > 0;
  expand.space_check = values.count("no-space-check") == 0;
  const extract::ExpandResult result = extract::expand_bundle(expand);
  std::cout << "expanded " << expand.bundle.string() << " into " << expand.target.string() << ": "
            << result.written << " files written (" << human_bytes(result.bytes) << "), "
            << result.unchanged << " unchanged, bundle " << result.bundle_id << '\n';
  return 0;
}

namespace {

std::filesystem::path path_option(const po::variables_map& values, const char* name) {
  return values.count(name) ? std::filesystem::path(values[name].as<std::string>())
                            : std::filesystem::path();
}

} // namespace

int run_apply(const std::vector<std::string>& args) {
  po::options_description options("zbundle-extract apply B (--pubkey PUB.pem | --trust-dir DIR | "
                                  "--trust-ca ROOT.pem --signer-name NAME) "
                                  "[options]");
  options.add_options()(
      "root", po::value<std::string>()->default_value("/"), "install below this directory")(
      "dry-run", "print what would change, and change nothing")(
      "mirror", po::value<std::string>(), "the mirror registry (default: the bundle's)")(
      "ca", po::value<std::string>(), "the mirror registry's CA bundle (default: the bundle's)")(
      "authfile",
      po::value<std::string>(),
      "containers auth file to merge the mirror's credentials into, or to take them from "
      "(default: ROOT/root/.config/containers/auth.json)")(
      "pull-secret",
      po::value<std::string>(),
      "the cluster's pull secret, to render pull-secret.json")(
      "recipient-cert",
      po::value<std::string>(),
      "the bastion's certificate the credentials were encrypted to")(
      "recipient-key", po::value<std::string>(), "its private key")(
      "manifests-dir",
      po::value<std::string>(),
      "where the cluster artifacts go (default: ROOT/var/lib/zbundle/artifacts)")(
      "boot-root",
      po::value<std::string>(),
      "the web root the bundle's boot images go to (DIR/<file>), with --boot-url")(
      "boot-url",
      po::value<std::string>(),
      "the http(s) URL that serves --boot-root, for the AgentServiceConfig's osImages")(
      "help,h", "show this help");
  add_sequence_options(options);
  const std::optional<po::variables_map> parsed = parse_bundle_arguments("apply", args, options);
  if (!parsed) {
    return 0;
  }
  const po::variables_map& values = *parsed;
  extract::ApplyOptions apply;
  apply.bundle = values["bundle"].as<std::string>();
  apply.trust = trust_from(values, TrustNeed::required);
  apply.root = values["root"].as<std::string>();
  apply.dry_run = values.count("dry-run") > 0;
  if (values.count("mirror")) {
    apply.mirror = ics::parse_mirror_name(values["mirror"].as<std::string>());
  }
  apply.ca = path_option(values, "ca");
  apply.authfile = path_option(values, "authfile");
  apply.pull_secret = path_option(values, "pull-secret");
  apply.recipient_certificate = path_option(values, "recipient-cert");
  apply.recipient_key = path_option(values, "recipient-key");
  apply.manifests_dir = path_option(values, "manifests-dir");
  apply.boot_root = path_option(values, "boot-root");
  if (values.count("boot-url")) {
    apply.boot_url = values["boot-url"].as<std::string>();
  }
  apply.allow_rollback = values.count("allow-rollback") > 0;
  apply.state_dir = state_dir_from(values, {}); // empty: below the root
  apply.now = static_cast<std::int64_t>(std::time(nullptr));
  const extract::ApplyResult result = extract::apply_bundle(apply);
  for (const std::string& warning : result.warnings) {
    std::cerr << "zbundle-extract: warning: " << warning << '\n';
  }
  for (const extract::ApplyAction& action : result.actions) {
    std::cout << action.subject << ": " << action.what << '\n';
  }
  std::cout << (apply.dry_run ? "planned bundle " : "applied bundle ") << result.bundle_id << '\n';
  return 0;
}

} // namespace zbundle::cli
