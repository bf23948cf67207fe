// verify, list and inspect of a bundle: thin renderings of what the shared reader found.

#include "bundle_commands.hpp"
#include "cli_support.hpp"
#include "core/bundle/bundle_reader.hpp"
#include "core/check/collected_images.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/untrusted_text.hpp"

#include <nlohmann/json.hpp>

#include <iostream>

namespace zbundle::cli {
namespace {

namespace po = boost::program_options;
using Json = nlohmann::ordered_json;
using util::str_cat;

struct ParsedCommand {
  std::string bundle;
  po::variables_map values;
};

// `<program> <command> B [trust options] [--json]`; nullopt after --help.
std::optional<ParsedCommand> parse_bundle_command(std::string_view name,
                                                  std::string_view usage,
                                                  const std::vector<std::string>& args) {
  po::options_description options{std::string(usage)};
  options.add_options()("json", "print as JSON")("help,h", "show this help");
  std::optional<po::variables_map> values = parse_bundle_arguments(name, args, options);
  if (!values) {
    return std::nullopt;
  }
  ParsedCommand command{{}, std::move(*values)};
  command.bundle = command.values["bundle"].as<std::string>();
  return command;
}

Json sources_json(const bundle::Manifest& manifest) {
  Json list = Json::array();
  for (const ics::ContentSource& source : manifest.image_content_sources.sources()) {
    Json mirrors = Json::array();
    for (const ics::Mirror& mirror : source.mirrors) {
      mirrors.push_back(mirror.location);
    }
    list.push_back({{"source", source.source}, {"mirrors", std::move(mirrors)}});
  }
  return list;
}

} // namespace

int run_verify(std::string_view program, const std::vector<std::string>& args) {
  const std::optional<ParsedCommand> command =
      parse_bundle_command("verify",
                           str_cat(program,
                                   " verify B (--pubkey PUB.pem | --trust-dir DIR | --trust-ca "
                                   "ROOT.pem --signer-name NAME)"),
                           args);
  if (!command) {
    return 0;
  }
  bundle::BundleReader reader(command->bundle, trust_from(command->values, TrustNeed::required));
  std::vector<std::string> problems;
  const bundle::PayloadTotals totals =
      reader.read_payload(nullptr, [&problems](const model::Problem& problem) {
        problems.push_back(model::to_text(problem));
        return model::AfterProblem::keep_reading;
      });
  const bundle::Manifest& manifest = reader.manifest();
  if (command->values.count("json")) {
    std::cout << Json{{"bundle", command->bundle},
                      {"bundle_id", manifest.bundle_id},
                      {"signer", reader.signer()},
                      {"entries", totals.entries},
                      {"bytes", totals.bytes},
                      {"problems", problems}}
                     .dump(2)
              << '\n';
  } else {
    for (const std::string& problem : problems) {
      std::cout << "  " << problem << '\n';
    }
    if (problems.empty()) {
      std::cout << "verified " << command->bundle << ": " << totals.entries << " entries, "
                << human_bytes(totals.bytes) << ", bundle " << manifest.bundle_id << ", signed by "
                << reader.signer() << '\n';
    }
  }
  if (!problems.empty()) {
    throw Error(ErrorKind::check,
                str_cat(command->bundle, ": ", problems.size(), " problems found"));
  }
  return 0;
}

int run_list(std::string_view program, const std::vector<std::string>& args) {
  const std::optional<ParsedCommand> command = parse_bundle_command(
      "list",
      str_cat(
          program,
          " list B (--pubkey PUB.pem | --trust-dir DIR | --trust-ca ROOT.pem --signer-name NAME)"),
      args);
  if (!command) {
    return 0;
  }
  const bundle::BundleReader reader(command->bundle,
                                    trust_from(command->values, TrustNeed::required));
  if (command->values.count("json")) {
    Json entries = Json::array();
    for (const bundle::Entry& entry : reader.manifest().entries) {
      entries.push_back(
          {{"path", entry.path}, {"size", entry.size}, {"sha256", entry.sha256.hex()}});
    }
    std::cout << entries.dump(2) << '\n';
    return 0;
  }
  for (const bundle::Entry& entry : reader.manifest().entries) {
    std::cout << entry.size << '\t' << entry.sha256.hex() << '\t' << entry.path << '\n';
  }
  return 0;
}

namespace {

// What the bundle lacks comes first: a waiver is the reason an install may not work.
void print_waivers(const bundle::Manifest& manifest) {
  if (manifest.waivers.empty()) {
    std::cout << "waivers: none (every check passed when it was signed)\n";
  }
  for (const model::Waiver& waiver : manifest.waivers) {
    std::cout << "WAIVED " << model::problem_kind_name(waiver.kind) << " ("
              << waiver.problems.size() << "): signed despite\n";
    for (const std::string& problem : waiver.problems) {
      std::cout << "  " << problem << '\n';
    }
  }
}

// What a delta leaves out, and who promised it is on the bastion.
void print_delta(const bundle::Manifest& manifest) {
  for (const std::string& base : manifest.base_bundles) {
    std::cout << "  base bundle:  " << base << '\n';
  }
  if (manifest.receipt) {
    std::cout << "  receipt:      " << manifest.receipt->id << " (bastion key "
              << manifest.receipt->key_id << ")\n";
  }
}

} // namespace

int run_bundle_inspect(std::string_view program, const std::vector<std::string>& args) {
  const std::optional<ParsedCommand> command =
      parse_bundle_command("inspect",
                           str_cat(program,
                                   " inspect B [--pubkey PUB.pem | --trust-dir DIR | --trust-ca "
                                   "ROOT.pem --signer-name NAME]"),
                           args);
  if (!command) {
    return 0;
  }
  const bundle::BundleReader reader(command->bundle,
                                    trust_from(command->values, TrustNeed::optional));
  const bundle::Manifest& manifest = reader.manifest();
  Json releases = Json::array();
  for (const model::ReleaseImage& release : manifest.releases) {
    releases.push_back({{"name", release.name}, {"digest", release.digest}});
  }
  Json certificates = Json::array();
  for (const model::CaCertificate& certificate : manifest.ca_certificates) {
    certificates.push_back(
        {{"subject", certificate.subject}, {"not_after", certificate.not_after}});
  }
  Json waivers = Json::array();
  for (const model::Waiver& waiver : manifest.waivers) {
    waivers.push_back(
        {{"kind", model::problem_kind_name(waiver.kind)}, {"problems", waiver.problems}});
  }
  Json boot_images = Json::array();
  for (const model::BootImage& image : manifest.boot_images) {
    boot_images.push_back({{"file", image.file},
                           {"kind", model::boot_image_kind_name(image.kind)},
                           {"version", image.version},
                           {"openshift_version", image.openshift_version},
                           {"architecture", image.architecture}});
  }
  // Readiness, as far as the signed manifest tells: where each image the run names is, and
  // whether the bundle's registry holds it (the waivers above say why one may be missing).
  const std::vector<check::ImageStatus> statuses =
      check::locate_images(manifest.images, check::lookup_in_records(manifest.repositories));
  Json readiness = Json::array();
  for (const check::ImageStatus& status : statuses) {
    readiness.push_back({{"category", status.category},
                         {"source", status.source},
                         {"location", status.location},
                         {"present", status.is_present},
                         {"digest", status.digest}});
  }
  std::size_t tags = 0;
  for (const model::RepositoryRecord& repository : manifest.repositories) {
    tags += repository.tags.size();
  }
  const Json summary = {
      {"waivers", std::move(waivers)},
      {"bundle_id", manifest.bundle_id},
      {"created", manifest.created},
      {"signer", reader.signer()},
      {"source", manifest.source_kind},
      {"mirror", manifest.mirror ? Json(*manifest.mirror) : Json(nullptr)},
      {"base_bundles", manifest.base_bundles},
      {"receipt",
       manifest.receipt ? Json{{"id", manifest.receipt->id}, {"key_id", manifest.receipt->key_id}}
                        : Json(nullptr)},
      {"image_content_sources", sources_json(manifest)},
      {"releases", std::move(releases)},
      {"ca_certificates", std::move(certificates)},
      {"boot_images", std::move(boot_images)},
      {"images", std::move(readiness)},
      {"repositories", manifest.repositories.size()},
      {"tags", tags},
      {"entries", manifest.entries.size()},
      {"bytes", manifest.total_bytes()},
      {"volumes", manifest.volumes.size()}};
  if (command->values.count("json")) {
    std::cout << summary.dump(2) << '\n';
    return 0;
  }
  print_waivers(manifest);
  std::cout << "bundle " << manifest.bundle_id << ", created " << manifest.created << '\n'
            << "  signer:       " << reader.signer() << '\n'
            << "  input:        " << manifest.source_kind << '\n'
            << "  mirror:       " << manifest.mirror.value_or("(rendered on the bastion)") << '\n'
            << "  content:      " << manifest.entries.size() << " entries, "
            << human_bytes(manifest.total_bytes()) << ", " << manifest.repositories.size()
            << " repositories, " << tags << " tags"
            << (manifest.volumes.empty() ? ""
                                         : str_cat(", ", manifest.volumes.size() + 1, " volumes"))
            << '\n';
  print_delta(manifest);
  for (const model::ReleaseImage& release : manifest.releases) {
    std::cout << "  release:      " << release.name << (release.digest.empty() ? "" : " @ ")
              << release.digest << '\n';
  }
  for (const ics::ContentSource& source : manifest.image_content_sources.sources()) {
    std::cout << "  source:       " << source.source << " -> " << source.mirrors.front().location
              << '\n';
  }
  for (const model::CaCertificate& certificate : manifest.ca_certificates) {
    std::cout << "  CA:           " << certificate.subject << ", expires " << certificate.not_after
              << '\n';
  }
  for (const check::ImageStatus& status : statuses) {
    std::cout << "  image:        " << status.category << ' ' << util::printable(status.source)
              << (status.is_present ? " present" : " MISSING") << " at "
              << util::printable(status.location) << '\n';
  }
  for (const model::BootImage& image : manifest.boot_images) {
    std::cout << "  boot image:   " << image.file << " (" << model::boot_image_kind_name(image.kind)
              << ", RHCOS " << image.version << ", OpenShift " << image.openshift_version << ", "
              << image.architecture << ")\n";
  }
  return 0;
}

} // namespace zbundle::cli
