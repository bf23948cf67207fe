#include "extract_commands.hpp"

#include "bundle_commands.hpp"
#include "cli_support.hpp"
#include "core/extract/expand.hpp"
#include "core/util/error.hpp"

#include <iostream>

namespace zbundle::cli {

namespace po = boost::program_options;

int run_expand(const std::vector<std::string>& args) {
  po::options_description options(
      "zbundle-extract expand B --to DIR (--pubkey PUB.pem | --trust-ca ROOT.pem --signer-name "
      "NAME) [--only registry|artifacts|oc-mirror]");
  options.add_options()("bundle", po::value<std::string>(), "the bundle")(
      "to", po::value<std::string>(), "the directory to expand into")(
      "only", po::value<std::string>(), "expand only this part: registry, artifacts or oc-mirror")(
      "help,h", "show this help");
  add_trust_options(options);
  po::positional_options_description positional;
  positional.add("bundle", 1);
  if (wants_help(args, options)) {
    return 0;
  }
  const po::variables_map values = parse_options(args, options, positional);
  if (!values.count("bundle") || !values.count("to")) {
    throw Error(ErrorKind::usage, "expand: a bundle and --to DIR are required");
  }
  extract::ExpandOptions expand;
  expand.bundle = values["bundle"].as<std::string>();
  expand.trust = trust_from(values, true);
  expand.target = values["to"].as<std::string>();
  if (values.count("only")) {
    expand.only = extract::parse_part(values["only"].as<std::string>());
  }
  const extract::ExpandResult result = extract::expand_bundle(expand);
  std::cout << "expanded " << expand.bundle.string() << " into " << expand.target.string() << ": "
            << result.written << " files written (" << human_bytes(result.bytes) << "), "
            << result.unchanged << " unchanged, bundle " << result.bundle_id << '\n';
  return 0;
}

} // namespace zbundle::cli
