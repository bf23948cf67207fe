// zbundle create: reads oc-mirror's output, checks it, and writes the signed bundle.

#include "bundle_commands.hpp"
#include "cli_support.hpp"
#include "core/bundle/bundle_writer.hpp"
#include "core/check/seal_gate.hpp"
#include "core/pki/signer_chain.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "key_commands.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <iostream>

namespace zbundle::cli {
namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;
using util::str_cat;

// "4G", "512M", "64K" or bytes.
std::uint64_t parse_size(const std::string& text) {
  std::size_t used = 0;
  std::uint64_t value = 0;
  try {
    value = std::stoull(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  const std::string unit = text.substr(used);
  constexpr std::array<std::string_view, 4> k_units{"", "K", "M", "G"};
  for (std::size_t i = 0; i < k_units.size(); ++i) {
    if (used > 0 && value > 0
        && (unit == k_units[i] || (i > 0 && unit == str_cat(k_units[i], "iB")))) {
      return value << (10 * i);
    }
  }
  throw Error(ErrorKind::usage, str_cat("--split ", text, ": not a size (e.g. 4G, 700M)"));
}

// The options of `create` as the core takes them (everything but the key and the progress).
bundle::CreateOptions create_options(const po::variables_map& values) {
  bundle::CreateOptions create;
  if (values.count("source")) {
    for (const std::string& source : values["source"].as<std::vector<std::string>>()) {
      create.inputs.emplace_back(source);
    }
  }
  create.output = values["output"].as<std::string>();
  if (values.count("mirror")) {
    create.mirror = ics::parse_mirror_name(values["mirror"].as<std::string>());
  }
  if (values.count("ca")) {
    create.ca = values["ca"].as<std::string>();
  }
  if (values.count("boot-images")) {
    create.boot_images = values["boot-images"].as<std::string>();
  }
  if (values.count("base")) {
    for (const std::string& base : values["base"].as<std::vector<std::string>>()) {
      create.base_bundles.emplace_back(base);
    }
  }
  if (values.count("receipt")) {
    create.receipt = values["receipt"].as<std::string>();
  }
  if (values.count("receipt-key")) {
    create.receipt_key = values["receipt-key"].as<std::string>();
  }
  create.architectures = architecture_rule(values);
  create.release_keys = release_keys(values);
  create.release_keyring = release_keyring(values);
  if (values.count("allow")) {
    for (const std::string& list : values["allow"].as<std::vector<std::string>>()) {
      create.allowed.merge(check::parse_waivable_kinds(list));
    }
  }
  create.space_check = values.count("no-space-check") == 0;
  if (values.count("split")) {
    create.volume_size = parse_size(values["split"].as<std::string>());
  }
  if (values.count("release")) {
    create.release = values["release"].as<std::string>();
  }
  if (values.count("mirror-auth")) {
    create.mirror_auth = values["mirror-auth"].as<std::string>();
  }
  if (values.count("recipient")) {
    create.recipient = values["recipient"].as<std::string>();
  }
  create.max_nested_paths = max_nested_paths(values);
  create.probe = values.count("probe") > 0;
  create.level = values["level"].as<int>();
  create.threads = values["threads"].as<unsigned>();
  return create;
}

// kind -> how many problems the bundle was signed despite.
nlohmann::ordered_json waiver_counts(const bundle::Manifest& manifest) {
  nlohmann::ordered_json counts = nlohmann::ordered_json::object();
  for (const model::Waiver& waiver : manifest.waivers) {
    counts[std::string(model::problem_kind_name(waiver.kind))] = waiver.problems.size();
  }
  return counts;
}

} // namespace

int run_create(const std::vector<std::string>& args) {
  po::options_description options("zbundle create SRC... --sign-key KEY -o OUT [options]");
  options.add_options()(
      "source", po::value<std::vector<std::string>>()->composing(), "oc-mirror output")(
      "output,o", po::value<std::string>(), "the bundle to write")(
      "sign-key",
      po::value<std::string>(),
      "the key to sign with: a PEM private key file or a pkcs11: URI (a key on a token)")(
      "sign-cert",
      po::value<std::string>(),
      "the signing key's certificate chain, leaf first (PEM)")(
      "mirror", po::value<std::string>(), "the bastion's registry: HOST[:PORT][/NAMESPACE]")(
      "ca", po::value<std::string>(), "the mirror registry's CA bundle (PEM)")(
      "boot-images",
      po::value<std::string>(),
      "a directory of RHCOS boot images (live ISO, kernel, initramfs, rootfs) to carry under "
      "boot/")("probe", "also verify the live registry at --mirror against --ca")(
      "release",
      po::value<std::string>(),
      "the release hcp-create-cluster.sh pins, e.g. 4.16.5 (default: the newest)")(
      "mirror-auth",
      po::value<std::string>(),
      "the mirror registry's credentials (containers auth file), carried encrypted")(
      "recipient",
      po::value<std::string>(),
      "the bastion's certificate (RSA or EC) the credentials are encrypted to")(
      "allow",
      po::value<std::vector<std::string>>()->composing(),
      "sign despite problems of these kinds (repeatable, or comma separated): missing-image, "
      "missing-arch, release-arch, missing-signature, unverified-signature, schema1; the bundle "
      "records what was waived")(

      "base",
      po::value<std::vector<std::string>>()->composing(),
      "an earlier bundle the bastion has (repeatable): its blobs are left out")(
      "receipt",
      po::value<std::string>(),
      "a receipt of the bastion's registry (zbundle-extract receipt): what it confirms is left "
      "out")("receipt-key",
             po::value<std::string>(),
             "the bastion's public key, which must have signed the receipt")(
      "level", po::value<int>()->default_value(3), "zstd level, 1-19")(
      "threads",
      po::value<unsigned>()->default_value(0),
      "zstd threads for large entries (0: one per core)")(
      "split", po::value<std::string>(), "write volumes of at most this size (e.g. 4G)")(
      "no-space-check", "write even when the bundle may not fit (a full disk still fails clean)")(
      "json", "print the summary as JSON")("help,h", "show this help");
  add_max_nested_paths_option(options);
  add_architecture_options(options);
  add_release_key_option(options);
  add_signing_key_options(options);
  po::positional_options_description positional;
  positional.add("source", -1);
  if (wants_help(args, options)) {
    return 0;
  }
  const po::variables_map values = parse_options(args, options, positional);
  if (!values.count("sign-key") || !values.count("output")) {
    throw Error(ErrorKind::usage, "create: --sign-key KEY and -o OUT are required");
  }
  bundle::CreateOptions create = create_options(values);
  create.created = unix_now();
  const pki::SigningKey key = open_signing_key(values["sign-key"].as<std::string>(), values);
  if (values.count("sign-cert")) {
    create.signer_chain_pem =
        pki::load_signer_chain(values["sign-cert"].as<std::string>(), key, "--sign-cert");
  }
  Progress progress;
  create.progress = [&progress](std::uint64_t done, std::uint64_t total) { progress(done, total); };
  const bundle::CreateResult result = bundle::create_bundle(create, key);
  const bundle::Manifest& manifest = result.manifest;
  if (values.count("json")) {
    nlohmann::ordered_json files = nlohmann::ordered_json::array();
    for (const fs::path& file : result.files) {
      files.push_back(file.string());
    }
    // The warnings too: a script reading the JSON must hear what a person reads on stderr.
    std::cout << nlohmann::ordered_json{{"bundle_id", manifest.bundle_id},
                                        {"key_id", manifest.key_id},
                                        {"entries", manifest.entries.size()},
                                        {"bytes", manifest.total_bytes()},
                                        {"compressed_bytes", result.compressed_bytes},
                                        {"files", std::move(files)},
                                        {"waivers", waiver_counts(manifest)},
                                        {"warnings", problems_json(result.warnings)},
                                        {"ca_warnings", result.ca_warnings}}
                     .dump(2)
              << '\n';
  } else {
    for (const std::string& warning : result.ca_warnings) {
      std::cerr << "zbundle: warning: " << warning << '\n';
    }
    for (const model::Problem& warning : result.warnings) {
      std::cerr << "zbundle: warning: " << model::problem_kind_name(warning.kind) << ": "
                << warning.subject << ": " << warning.actual << '\n';
    }
    std::cout << "created " << result.files.front().string() << ": " << manifest.entries.size()
              << " entries, " << human_bytes(manifest.total_bytes()) << " in "
              << human_bytes(result.compressed_bytes)
              << (result.files.size() > 1 ? str_cat(" (", result.files.size(), " files)") : "")
              << ", bundle " << manifest.bundle_id << ", signed by key " << manifest.key_id << '\n';
    for (const model::Waiver& waiver : manifest.waivers) {
      std::cout << "waived " << model::problem_kind_name(waiver.kind) << ": "
                << waiver.problems.size() << " problems, recorded in the bundle\n";
    }
  }
  return 0;
}

} // namespace zbundle::cli
