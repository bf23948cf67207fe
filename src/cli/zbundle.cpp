// zbundle: the connected-host CLI. Parses options, calls one core entry point per
// subcommand, renders the result as text or --json, and maps errors to exit codes.

#include "artifacts_command.hpp"
#include "bundle_commands.hpp"
#include "cli_support.hpp"
#include "core/bundle/volume_reader.hpp"
#include "core/ics/render.hpp"
#include "core/ocmirror/derive_sources.hpp"
#include "core/ocmirror/reader.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "key_commands.hpp"
#include "readiness_command.hpp"
#include "report_command.hpp"
#include "verify_ca_command.hpp"
#include "verify_digests_command.hpp"

#include <nlohmann/json.hpp>

#include <iostream>
#include <set>
#include <string>
#include <vector>

namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;
using zbundle::Error;
using zbundle::ErrorKind;
using zbundle::util::str_cat;
using namespace zbundle;

constexpr std::string_view k_usage = R"(usage: zbundle <command> [options]

commands:
  keygen --out PREFIX [--type ed25519|ecdsa-p256|rsa3072]
                                   make a signing key pair; prints the key id
  keygen --pkcs11 'pkcs11:token=T;object=LABEL' [--pin-file F] [--pkcs11-module SO] [--type T]
                                   make the key pair on a PKCS#11 token (HSM, IBM Z crypto card)
  pubkey KEY -o PUB.pem            export a key's public half (KEY: a file or a pkcs11: URI)
  create SRC... --sign-key KEY -o OUT [--mirror HOST[:PORT][/NS]] [--ca CA.pem] [--split 4G]
         [--boot-images DIR]       pack oc-mirror output (and RHCOS boot images) into a signed
                                   bundle
  artifacts SRC_OR_BUNDLE --mirror HOST[:PORT][/NS] --ca CA.pem -o DIR [--pull-secret FILE]
            [--mirror-auth FILE] [--release VERSION]
                                   render the cluster and host artifacts (ConfigMaps, patches,
                                   mirror sets, icsp.yaml, hcp and oc scripts)
  verify B --pubkey PUB.pem        verify the signature and every byte of a bundle
  inspect SRC... [--json]          summarize oc-mirror output (v1/v2, directories or archives),
                                   or a bundle's manifest
  inspect --readiness SRC... [--arch A] [--release-key K] [--json]
                                   per release, catalog and image: what the cluster will find;
                                   exit 1 when create's seal gate would refuse
  ics SRC... [--format F] [--mirror HOST[:PORT][/NS]] [-o FILE]
                                   print the image content sources (hcp, icsp, idms, itms,
                                   registries-conf, json)
  verify-digests SRC... [--arch s390x[,amd64]] [--base SRC...] [--json]
                                   verify every blob's digest and size and every reference
  verify-ca --ca BUNDLE.pem (CERT.pem | --probe HOST:PORT) [--host NAME | --ip ADDR] [--at TIME]
                                   verify the mirror registry's certificate chain and the CA bundle
  report SRC_OR_BUNDLE... -o REPORT.html [--ca CA.pem] [--pubkey PUB.pem]
                                   one offline HTML page for a change request: signer, releases,
                                   catalogs, repositories and sizes, images, CA days left,
                                   image content sources, waivers and problems

Run 'zbundle <command> --help' for a command's options.
Exit status: 0 done, 1 a check failed, 2 usage error or unusable input.
)";

std::string_view format_name(ocmirror::SourceFormat format) {
  switch (format) {
  case ocmirror::SourceFormat::oc_mirror_v1:
    return "oc-mirror v1";
  case ocmirror::SourceFormat::oc_mirror_v2:
    return "oc-mirror v2";
  case ocmirror::SourceFormat::registry_storage:
    return "registry storage";
  case ocmirror::SourceFormat::oci_layout:
    return "OCI image layout";
  case ocmirror::SourceFormat::mirror_set_file:
    return "mirror-set file";
  case ocmirror::SourceFormat::mapping_file:
    return "mapping file";
  }
  return "unknown";
}

std::string_view layout_name(ocmirror::SourceLayout layout) {
  switch (layout) {
  case ocmirror::SourceLayout::directory:
    return "directory";
  case ocmirror::SourceLayout::archive_set:
    return "archive set";
  case ocmirror::SourceLayout::file:
    return "file";
  }
  return "unknown";
}

// Options every command reading oc-mirror output takes.
void add_source_options(po::options_description& options) {
  options.add_options()(
      "source", po::value<std::vector<std::string>>()->composing(), "oc-mirror output")(
      "results",
      po::value<std::string>(),
      "v1 workspaces: the results-<epoch> directory to read (default: newest)");
}

ocmirror::MirrorContent read_sources(const po::variables_map& values) {
  if (!values.count("source")) {
    throw Error(ErrorKind::usage,
                "no input: name at least one oc-mirror output (directory or archive)");
  }
  std::vector<fs::path> paths;
  for (const std::string& source : values["source"].as<std::vector<std::string>>()) {
    paths.emplace_back(source);
  }
  ocmirror::ReadOptions options;
  if (values.count("results")) {
    options.v1_results = values["results"].as<std::string>();
  }
  return ocmirror::read_mirror(paths, options);
}

bool wants_help(const std::vector<std::string>& args) {
  return std::find_if(args.begin(),
                      args.end(),
                      [](const std::string& arg) { return arg == "--help" || arg == "-h"; })
         != args.end();
}

nlohmann::ordered_json inspect_json(const ocmirror::MirrorContent& content) {
  nlohmann::ordered_json inputs = nlohmann::ordered_json::array();
  for (const auto& input : content.inputs) {
    nlohmann::ordered_json archives = nlohmann::ordered_json::array();
    for (const auto& archive : input.archives) {
      archives.push_back(archive.string());
    }
    inputs.push_back({{"path", input.path.string()},
                      {"format", format_name(input.format)},
                      {"layout", layout_name(input.layout)},
                      {"archives", std::move(archives)}});
  }
  nlohmann::ordered_json releases = nlohmann::ordered_json::array();
  for (const auto& release : content.releases) {
    releases.push_back({{"name", release.name}, {"digest", release.digest}});
  }
  nlohmann::ordered_json catalogs = nlohmann::ordered_json::array();
  for (const auto& catalog : content.catalogs) {
    catalogs.push_back({{"name", catalog.name}, {"kind", catalog.kind}, {"image", catalog.image}});
  }
  nlohmann::ordered_json resources = nlohmann::ordered_json::array();
  for (const auto& resource : content.cluster_resources) {
    resources.push_back(
        {{"kind", resource.kind}, {"name", resource.name}, {"file", resource.origin}});
  }
  nlohmann::ordered_json repositories = nlohmann::ordered_json::object();
  for (const auto& [name, repository] : content.repositories) {
    repositories[name] = {{"tags", repository.tags}, {"manifests", repository.manifests}};
  }
  nlohmann::ordered_json sources = nlohmann::ordered_json::array();
  if (!content.image_content_sources.empty()) {
    sources = nlohmann::ordered_json::parse(
        render_ics(content.image_content_sources, ics::IcsFormat::json))["sources"];
  }
  return {{"inputs", std::move(inputs)},
          {"releases", std::move(releases)},
          {"catalogs", std::move(catalogs)},
          {"clusterResources", std::move(resources)},
          {"repositories", std::move(repositories)},
          {"images", content.image_count()},
          {"tags", content.tag_count()},
          {"blobs", {{"count", content.blobs.size()}, {"bytes", content.blob_bytes()}}},
          {"imageContentSources", std::move(sources)},
          {"imageContentSourceFiles", content.ics_origins}};
}

// "2: a, b" or "0".
std::string join_counted(const std::set<std::string>& items) {
  std::string out = std::to_string(items.size());
  for (const std::string& item : items) {
    out += str_cat(item == *items.begin() ? ": " : ", ", item);
  }
  return out;
}

std::string inspect_text(const ocmirror::MirrorContent& content) {
  std::string out;
  for (const auto& input : content.inputs) {
    out += str_cat("source:       ",
                   format_name(input.format),
                   ", ",
                   layout_name(input.layout),
                   ": ",
                   input.path.string());
    if (!input.archives.empty()) {
      out += str_cat(
          " (", input.archives.size(), input.archives.size() == 1 ? " archive)" : " archives)");
    }
    out += "\n";
  }
  std::set<std::string> release_names;
  for (const auto& release : content.releases) {
    release_names.insert(release.name);
  }
  out += str_cat("releases:     ", join_counted(release_names));
  out += str_cat("\ncatalogs:     ", join_counted(content.catalog_names()));
  std::set<std::string> resources;
  for (const auto& resource : content.cluster_resources) {
    resources.insert(str_cat(resource.kind, " ", resource.name));
  }
  out += str_cat("\nresources:    ", join_counted(resources));
  out += str_cat("\nrepositories: ", content.repositories.size());
  out += str_cat("\nimages:       ", content.image_count(), " (", content.tag_count(), " tags)");
  out += str_cat("\nblobs:        ",
                 content.blobs.size(),
                 ", ",
                 cli::human_bytes(content.blob_bytes()),
                 " (",
                 content.blob_bytes(),
                 " bytes)");
  if (!content.image_content_sources.empty()) {
    out += str_cat("\nimage content sources: ",
                   content.image_content_sources.sources().size(),
                   " (written by oc-mirror)\n");
  } else if (!content.collected_images.empty()) {
    // Derived for counting only: the number of sources does not depend on the mirror's name.
    const ocmirror::DerivedSources derived =
        ocmirror::derive_content_sources(content,
                                         ics::parse_mirror_name(ics::k_placeholder_mirror),
                                         ics::ScopeRule::namespace_when_paths_match);
    out += str_cat("\nimage content sources: ",
                   derived.sources.sources().size(),
                   " (derived from the run; `zbundle ics --mirror` prints them)");
    if (!derived.unmapped.empty()) {
      out += str_cat(", ", derived.unmapped.size(), " images cannot be mapped");
    }
    out += "\n";
  } else {
    out += "\nimage content sources: 0\n";
  }
  return out;
}

int run_inspect(const std::vector<std::string>& args) {
  po::options_description options("zbundle inspect SRC... [options]");
  add_source_options(options);
  options.add_options()("json", "print everything as JSON")("help,h", "show this help");
  cli::add_readiness_options(options);
  po::positional_options_description positional;
  positional.add("source", -1);
  if (wants_help(args)) {
    std::cout << options;
    return 0;
  }
  const po::variables_map values = cli::parse_options(args, options, positional);
  if (values.count("readiness")) {
    if (!values.count("source")) {
      throw Error(ErrorKind::usage, "inspect --readiness: name at least one oc-mirror output");
    }
    const std::vector<std::string> sources = values["source"].as<std::vector<std::string>>();
    return cli::run_readiness({sources.begin(), sources.end()}, values);
  }
  const ocmirror::MirrorContent content = read_sources(values);
  cli::write_output(
      "", values.count("json") ? inspect_json(content).dump(2) + "\n" : inspect_text(content));
  return 0;
}

int run_ics(const std::vector<std::string>& args) {
  po::options_description options("zbundle ics SRC... [options]");
  add_source_options(options);
  options.add_options()("format",
                        po::value<std::string>()->default_value("hcp"),
                        "hcp, icsp, idms, itms, registries-conf or json")(
      "mirror",
      po::value<std::string>(),
      "the mirror registry HOST[:PORT][/NAMESPACE]: moves oc-mirror's mirrors there, and is "
      "required to derive sources from a mirror-to-disk run")(
      "check",
      "compare oc-mirror's mirror sets in the input with the derived ones; exit 1 on a difference")(
      "strict", "exit 1 when some mirrored images cannot be mapped")(
      "output,o", po::value<std::string>()->default_value("-"), "write to FILE instead of stdout")(
      "help,h", "show this help");
  cli::add_max_nested_paths_option(options);
  po::positional_options_description positional;
  positional.add("source", -1);
  if (wants_help(args)) {
    std::cout << options;
    return 0;
  }
  const po::variables_map values = cli::parse_options(args, options, positional);
  const ics::IcsFormat format = ics::parse_ics_format(values["format"].as<std::string>());
  std::optional<ics::MirrorName> mirror;
  if (values.count("mirror")) {
    mirror = ics::parse_mirror_name(values["mirror"].as<std::string>());
  }
  const unsigned limit = cli::max_nested_paths(values);
  const ics::ScopeRule scope = ics::scope_rule(limit);
  const ocmirror::MirrorContent content = read_sources(values);
  if (values.count("check")) {
    const std::vector<std::string> differences = ocmirror::check_derivation(content, mirror, limit);
    for (const std::string& difference : differences) {
      std::cout << difference << '\n';
    }
    if (!differences.empty()) {
      throw Error(ErrorKind::check,
                  str_cat("image content sources: ",
                          differences.size(),
                          " differences between oc-mirror's mirror sets and the derived ones"));
    }
    std::cerr << "zbundle: oc-mirror's mirror sets and the derived ones agree\n";
    return 0;
  }
  const ocmirror::ResolvedSources resolved =
      ocmirror::resolve_content_sources(content, mirror, scope);
  for (const std::string& note : resolved.result.unmapped) {
    std::cerr << "zbundle: warning: " << note << '\n';
  }
  for (const std::string& note : resolved.result.notes) {
    std::cerr << "zbundle: warning: " << note << '\n';
  }
  if (values.count("strict") && !resolved.result.unmapped.empty()) {
    throw Error(ErrorKind::check,
                str_cat("image content sources: ",
                        resolved.result.unmapped.size(),
                        " mirrored images cannot be mapped (--strict)"));
  }
  cli::write_output(values["output"].as<std::string>(),
                    render_ics(resolved.result.sources.with_nested_path_limit(limit), format));
  return 0;
}

int dispatch(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::cerr << k_usage;
    return 2;
  }
  const std::string& command = args.front();
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << k_usage;
    return 0;
  }
  if (command == "--version") {
    zbundle::cli::print_version("zbundle");
    return 0;
  }
  if (command == "inspect") {
    if (!rest.empty() && bundle::is_bundle(rest.front())) {
      return cli::run_bundle_inspect("zbundle", rest);
    }
    return run_inspect(rest);
  }
  if (command == "keygen") {
    return cli::run_keygen(rest);
  }
  if (command == "pubkey") {
    return cli::run_pubkey(rest);
  }
  if (command == "artifacts") {
    return cli::run_artifacts(rest);
  }
  if (command == "create") {
    return cli::run_create(rest);
  }
  if (command == "verify") {
    return cli::run_verify("zbundle", rest);
  }
  if (command == "ics") {
    return run_ics(rest);
  }
  if (command == "verify-digests") {
    return cli::run_verify_digests(rest);
  }
  if (command == "verify-ca") {
    return cli::run_verify_ca("zbundle", rest);
  }
  if (command == "report") {
    return cli::run_report("zbundle", rest);
  }
  throw Error(ErrorKind::usage, str_cat(command, ": unknown command (see zbundle --help)"));
}

} // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  return cli::run_guarded("zbundle", [&args] { return dispatch(args); });
}
