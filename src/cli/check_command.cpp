// zbundle-extract check: the preflight on the bastion (core/extract/preflight.hpp), one line
// per check or --json, exit 1 when any check found a problem.

#include "check_command.hpp"

#include "bundle_commands.hpp"
#include "cli_support.hpp"
#include "core/extract/preflight.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/untrusted_text.hpp"

#include <nlohmann/json.hpp>

#include <ctime>
#include <iostream>

namespace zbundle::cli {

namespace po = boost::program_options;

int run_check(const std::vector<std::string>& args) {
  po::options_description options(
      "zbundle-extract check B (--pubkey PUB.pem | --trust-dir DIR | --trust-ca ROOT.pem "
      "--signer-name NAME) "
      "[--mirror HOST[:PORT]] [--ca CA.pem] [--boot-url URL] [--cluster-domain NAME.BASE] "
      "[--json]");
  options.add_options()(
      "mirror", po::value<std::string>(), "the mirror registry (default: the bundle's)")(
      "ca", po::value<std::string>(), "the mirror registry's CA bundle (default: the bundle's)")(
      "boot-url",
      po::value<std::string>(),
      "where the boot images are served: each is fetched and hashed")(
      "cluster-domain",
      po::value<std::string>(),
      "the hosted cluster's <name>.<base domain>: api. and *.apps. must resolve")(
      "hosts-file",
      po::value<std::string>()->default_value("/etc/hosts"),
      "names are looked up here first")("json", "print the checks as JSON")("help,h",
                                                                            "show this help");
  const std::optional<po::variables_map> parsed = parse_bundle_arguments("check", args, options);
  if (!parsed) {
    return 0;
  }
  const po::variables_map& values = *parsed;
  extract::PreflightOptions preflight;
  preflight.bundle = values["bundle"].as<std::string>();
  preflight.trust = trust_from(values, TrustNeed::required);
  if (values.count("mirror")) {
    preflight.mirror = ics::parse_mirror_name(values["mirror"].as<std::string>());
  }
  if (values.count("ca")) {
    preflight.ca = values["ca"].as<std::string>();
  }
  if (values.count("boot-url")) {
    preflight.boot_url = values["boot-url"].as<std::string>();
  }
  if (values.count("cluster-domain")) {
    preflight.cluster_domain = values["cluster-domain"].as<std::string>();
  }
  preflight.hosts_file = values["hosts-file"].as<std::string>();
  preflight.now = static_cast<std::int64_t>(std::time(nullptr));
  const std::vector<extract::PreflightLine> lines = extract::run_preflight(preflight);
  std::size_t problems = 0;
  nlohmann::ordered_json checks = nlohmann::ordered_json::array();
  for (const extract::PreflightLine& line : lines) {
    problems += line.ok ? 0 : 1;
    checks.push_back({{"check", line.check},
                      {"subject", line.subject},
                      {"ok", line.ok},
                      {"detail", line.detail}});
  }
  if (values.count("json")) {
    const nlohmann::ordered_json document = {{"ok", problems == 0}, {"checks", std::move(checks)}};
    std::cout << document.dump(2) << '\n';
  } else {
    for (const extract::PreflightLine& line : lines) {
      // what a server or a resolver said is printed, not interpreted
      std::cout << (line.ok ? "ok       " : "PROBLEM  ") << line.check << ' '
                << util::printable(line.subject) << ": " << util::printable(line.detail) << '\n';
    }
  }
  if (problems > 0) {
    throw Error(ErrorKind::check, util::str_cat("check: ", problems, " problems"));
  }
  return 0;
}

} // namespace zbundle::cli
