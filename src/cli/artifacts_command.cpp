#include "artifacts_command.hpp"

#include "bundle_commands.hpp"
#include "cli_support.hpp"
#include "core/bundle/bundle_reader.hpp"
#include "core/bundle/model_builder.hpp"
#include "core/bundle/volume_reader.hpp"
#include "core/pki/ca_bundle.hpp"
#include "core/pki/certificate_file.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/text_file.hpp"

#include <ctime>
#include <filesystem>
#include <iostream>

namespace zbundle::cli {
namespace {

namespace po = boost::program_options;
using util::str_cat;

constexpr std::size_t k_max_auth_file = 1 << 20;
constexpr int k_ca_warning_days = 30;

std::optional<artifacts::NamedText> named_file(const po::variables_map& values,
                                               const char* option) {
  if (!values.count(option)) {
    return std::nullopt;
  }
  const std::string path = values[option].as<std::string>();
  return artifacts::NamedText{path, util::read_text_file(path, k_max_auth_file)};
}

} // namespace

void add_render_options(po::options_description& options) {
  options.add_options()(
      "mirror", po::value<std::string>(), "the mirror registry: HOST[:PORT][/NAMESPACE]")(
      "ca", po::value<std::string>(), "the mirror registry's CA bundle (PEM)")(
      "pull-secret", po::value<std::string>(), "the cluster's pull secret (.dockerconfigjson)")(
      "mirror-auth",
      po::value<std::string>(),
      "containers auth file with the mirror registry's credentials")(
      "release", po::value<std::string>(), "the release to pin, e.g. 4.16.5 (default: newest)")(
      "boot-url",
      po::value<std::string>(),
      "where the site serves the bundle's boot images, for agentserviceconfig.yaml");
}

artifacts::RenderOptions render_options_from(const po::variables_map& values) {
  if (!values.count("mirror") || !values.count("ca")) {
    throw Error(ErrorKind::usage, "--mirror HOST[:PORT][/NS] and --ca CA.pem are required");
  }
  artifacts::RenderOptions options;
  options.mirror = ics::parse_mirror_name(values["mirror"].as<std::string>());
  const std::filesystem::path ca = values["ca"].as<std::string>();
  const std::vector<util::Certificate> certificates = pki::load_certificates(ca);
  for (const std::string& warning :
       pki::require_usable_ca_bundle(certificates,
                                     ca.string(),
                                     static_cast<std::int64_t>(std::time(nullptr)),
                                     k_ca_warning_days)) {
    std::cerr << "zbundle: warning: " << warning << '\n';
  }
  options.ca_pem = bundle::joined_pem(bundle::carried_certificates(certificates, ca));
  options.pull_secret = named_file(values, "pull-secret");
  options.mirror_auth = named_file(values, "mirror-auth");
  if (values.count("release")) {
    options.release = values["release"].as<std::string>();
  }
  if (values.count("boot-url")) {
    options.boot_url = values["boot-url"].as<std::string>();
  }
  return options;
}

int run_artifacts(const std::vector<std::string>& args) {
  po::options_description options(
      "zbundle artifacts SRC_OR_BUNDLE... --mirror HOST[:PORT][/NS] --ca CA.pem -o DIR [options]");
  options.add_options()("source",
                        po::value<std::vector<std::string>>()->composing(),
                        "oc-mirror output, or one bundle (then with its trust options)")(
      "output,o", po::value<std::string>(), "the directory to write")("help,h", "show this help");
  add_render_options(options);
  add_max_nested_paths_option(options);
  add_trust_options(options);
  po::positional_options_description positional;
  positional.add("source", -1);
  if (wants_help(args, options)) {
    return 0;
  }
  const po::variables_map values = parse_options(args, options, positional);
  if (!values.count("source") || !values.count("output")) {
    throw Error(ErrorKind::usage, "artifacts: a source and -o DIR are required");
  }
  const std::vector<std::string> sources = values["source"].as<std::vector<std::string>>();
  artifacts::RenderOptions render = render_options_from(values);
  bundle::Manifest model;
  const unsigned limit = max_nested_paths(values);
  if (sources.size() == 1 && bundle::is_bundle(sources.front())) {
    if (limit > 0) {
      throw Error(ErrorKind::usage,
                  "artifacts: --max-nested-paths is for oc-mirror output: a bundle keeps the "
                  "limit it was made with");
    }
    const bundle::BundleReader reader(sources.front(), trust_from(values, TrustNeed::required));
    model = reader.manifest();
    render.bundle_id = model.bundle_id;
  } else {
    const std::vector<std::filesystem::path> inputs(sources.begin(), sources.end());
    bundle::fill_model(model, inputs, render.mirror, limit);
  }
  const std::vector<artifacts::Artifact> rendered = artifacts::render_artifacts(model, render);
  const std::filesystem::path directory = values["output"].as<std::string>();
  artifacts::write_artifacts(rendered, directory);
  for (const artifacts::Artifact& artifact : rendered) {
    std::cout << (directory / artifact.name).string() << '\n';
  }
  return 0;
}

} // namespace zbundle::cli
