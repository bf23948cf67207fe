#include "bundle_commands.hpp"

#include "cli_support.hpp"
#include "core/bundle/bundle_reader.hpp"
#include "core/bundle/bundle_writer.hpp"
#include "core/bundle/volume_writer.hpp"
#include "core/check/seal_gate.hpp"
#include "core/pki/signer_chain.hpp"
#include "core/pki/signing_key.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/text_file.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>

namespace zbundle::cli {
namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;
using util::str_cat;

} // namespace

void add_trust_options(po::options_description& options) {
  options.add_options()("pubkey", po::value<std::string>(), "the signer's public key (PEM)")(
      "trust-dir",
      po::value<std::string>(),
      "trust every signer key (*.pub) in this directory; the rollback sequence is the "
      "directory's, across key rotations")(
      "trust-ca", po::value<std::string>(), "trust signer certificates issued under this CA")(
      "signer-name", po::value<std::string>(), "the name the signer certificate must carry");
}

std::optional<po::variables_map> parse_bundle_arguments(std::string_view command,
                                                        const std::vector<std::string>& args,
                                                        po::options_description& options) {
  options.add_options()("bundle", po::value<std::string>(), "the bundle");
  add_trust_options(options);
  po::positional_options_description positional;
  positional.add("bundle", 1);
  if (wants_help(args, options)) {
    return std::nullopt;
  }
  po::variables_map values = parse_options(args, options, positional);
  if (!values.count("bundle")) {
    throw Error(ErrorKind::usage, str_cat(command, ": no bundle given"));
  }
  return values;
}

void add_sequence_options(po::options_description& options) {
  options.add_options()("state-dir",
                        po::value<std::string>(),
                        "where the sequence against rollback is kept (default: $ZBUNDLE_STATE_DIR, "
                        "else /var/lib/zbundle; apply: ROOT/var/lib/zbundle)")(
      "allow-rollback", "accept a bundle older than the last one applied to the same target");
}

std::filesystem::path state_dir_from(const po::variables_map& values,
                                     const std::filesystem::path& fallback) {
  if (values.count("state-dir")) {
    return values["state-dir"].as<std::string>();
  }
  const std::string from_environment = environment_value("ZBUNDLE_STATE_DIR");
  return from_environment.empty() ? fallback : std::filesystem::path(from_environment);
}

bundle::Trust trust_from(const po::variables_map& values, TrustNeed need) {
  bundle::Trust trust;
  trust.at = unix_now();
  if (values.count("pubkey") + values.count("trust-dir") + values.count("trust-ca") > 1) {
    throw Error(ErrorKind::usage, "--pubkey, --trust-dir and --trust-ca: give one of them");
  }
  if (values.count("pubkey")) {
    trust.public_key = values["pubkey"].as<std::string>();
  } else if (values.count("trust-dir")) {
    trust.trust_dir = values["trust-dir"].as<std::string>();
  } else if (values.count("trust-ca")) {
    if (!values.count("signer-name")) {
      throw Error(ErrorKind::usage, "--trust-ca needs --signer-name NAME");
    }
    trust.trust_ca = values["trust-ca"].as<std::string>();
    trust.signer_name = values["signer-name"].as<std::string>();
  } else if (need == TrustNeed::required) {
    throw Error(ErrorKind::usage,
                "no trust: give --pubkey PUB.pem, --trust-dir DIR or --trust-ca ROOT.pem "
                "--signer-name NAME");
  }
  return trust;
}

} // namespace zbundle::cli
