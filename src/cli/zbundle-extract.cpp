// zbundle-extract: the bastion-side CLI. Every command that reads a bundle checks its
// signature first, through the same reader zbundle uses.

#include "bundle_commands.hpp"
#include "check_command.hpp"
#include "cli_support.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "extract_commands.hpp"
#include "push_command.hpp"
#include "report_command.hpp"
#include "verify_ca_command.hpp"

#include <iostream>
#include <string>
#include <vector>

namespace {

constexpr std::string_view k_usage = R"(usage: zbundle-extract <command> [options]

Runs on the s390x bastion: verifies a signed zbundle and expands, pushes or applies it.
commands:
  verify B (--pubkey PUB.pem | --trust-dir DIR | --trust-ca ROOT.pem --signer-name NAME)
                       verify the signature and every byte of a bundle
  list B (--pubkey ... | --trust-dir ... | --trust-ca ...)
                       list the entries of a bundle, after checking its signature
  inspect B [--pubkey ...] [--json]
                       summarize a bundle's manifest
  expand B --to DIR (--pubkey ... | --trust-dir ... | --trust-ca ...) [--only registry|artifacts|oc-mirror|boot]
                       write the verified payload into DIR (the registry as distribution serves
                       it); nothing changes in DIR unless every entry matched
  apply B (--pubkey ... | --trust-dir ... | --trust-ca ...) [--root DIR] [--dry-run] [--mirror HOST[:PORT][/NS]]
        [--ca CA.pem] [--authfile FILE] [--manifests-dir DIR] [--allow-rollback]
        [--boot-root DIR --boot-url URL]
                       install the mirror's CA, registries.conf.d drop-in and credentials, and
                       write the cluster artifacts and apply-cluster.sh
  push B --to HOST[:PORT][/NS] (--pubkey ... | --trust-dir ... | --trust-ca ...) [--ca CA.pem] [--authfile FILE]
       [--dry-run] [--json] [--rewrite] [--resolve HOST:ADDRESS] [--insecure-http]
                       push the bundle's images into the site's registry, verified while they
                       stream, skipping what it holds already
  receipt --to HOST[:PORT][/NS] [--from DIR] --sign-key BASTION.key -o RECEIPT.json [--ca CA.pem] [--authfile FILE]
                       what the registry (or the tree expanded into DIR) holds below NS
                       (repositories, tags, manifests, blobs it confirms) and the bundles
                       applied there, signed by the bastion
  prune B (--to HOST[:PORT][/NS] | --from DIR) (--pubkey ... | --trust-dir ... | --trust-ca ...) [--keep-release N] [--dry-run]
        [--ca CA.pem] [--authfile FILE] [--json]
                       delete what the bundle pushed last dropped of earlier ones, keeping what
                       it, the last N releases (2) and other tags still need
  check B (--pubkey ... | --trust-dir ... | --trust-ca ...) [--mirror HOST[:PORT]] [--ca CA.pem] [--boot-url URL]
        [--cluster-domain NAME.BASE] [--json]
                       preflight before hcp: the mirror over TLS with the CA, the CA's days
                       left, each boot image at its URL by size and SHA-256, api. and *.apps.
  merge OURS.yaml [--live LIVE.json] -o REPLACE.json --new CREATE.json
                       merge rendered objects into live ones (apply-cluster.sh runs it): one
                       line per change on stdout; the changed live objects (for oc replace) and
                       ours the cluster lacks (for oc create), each file only when needed
  verify-ca --ca BUNDLE.pem (CERT.pem | --probe HOST:PORT) [--host NAME | --ip ADDR] [--at TIME]
                       verify the mirror registry's certificate chain and the CA bundle
  report B -o REPORT.html [--pubkey ... | --trust-dir ... | --trust-ca ...]
                       one offline HTML page of the bundle, every byte verified, for the
                       change record

Exit status: 0 done, 1 a check failed, 2 usage error or unusable input.
)";

int dispatch(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::cerr << k_usage;
    return 2;
  }
  const std::string& command = args.front();
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << k_usage;
    return 0;
  }
  if (command == "--version") {
    zbundle::cli::print_version("zbundle-extract");
    return 0;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "verify-ca") {
    return zbundle::cli::run_verify_ca("zbundle-extract", rest);
  }
  if (command == "verify") {
    return zbundle::cli::run_verify("zbundle-extract", rest);
  }
  if (command == "list") {
    return zbundle::cli::run_list("zbundle-extract", rest);
  }
  if (command == "expand") {
    return zbundle::cli::run_expand(rest);
  }
  if (command == "push") {
    return zbundle::cli::run_push(rest);
  }
  if (command == "receipt") {
    return zbundle::cli::run_receipt(rest);
  }
  if (command == "prune") {
    return zbundle::cli::run_prune(rest);
  }
  if (command == "apply") {
    return zbundle::cli::run_apply(rest);
  }
  if (command == "check") {
    return zbundle::cli::run_check(rest);
  }
  if (command == "merge") {
    return zbundle::cli::run_merge(rest);
  }
  if (command == "inspect") {
    return zbundle::cli::run_bundle_inspect("zbundle-extract", rest);
  }
  if (command == "report") {
    return zbundle::cli::run_report("zbundle-extract", rest);
  }
  throw zbundle::Error(
      zbundle::ErrorKind::usage,
      zbundle::util::str_cat(command, ": unknown command (see zbundle-extract --help)"));
}

} // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  return zbundle::cli::run_guarded("zbundle-extract", [&args] { return dispatch(args); });
}
