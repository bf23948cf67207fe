#include "key_commands.hpp"

#include "cli_support.hpp"
#include "core/pki/token_key.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/text_file.hpp"

#include <cstdlib>
#include <iostream>

namespace zbundle::cli {
namespace {

namespace po = boost::program_options;
using util::str_cat;

pki::TokenOptions token_options(const po::variables_map& values) {
  pki::TokenOptions options;
  if (values.count("pkcs11-module")) {
    options.module = values["pkcs11-module"].as<std::string>();
  }
  options.pin = read_secret(values, "pin");
  return options;
}

} // namespace

void add_signing_key_options(po::options_description& options) {
  add_passphrase_options(options);
  options.add_options()(
      "pin-file", po::value<std::string>(), "read the token's PIN from this file (first line)")(
      "pin-env", po::value<std::string>(), "read the token's PIN from this environment variable")(
      "pkcs11-module",
      po::value<std::string>(),
      "the PKCS#11 module for pkcs11: keys (default: the URI's module-path, else p11-kit's "
      "proxy)");
}

pki::SigningKey open_signing_key(const std::string& spec, const po::variables_map& values) {
  if (pki::is_pkcs11_uri(spec)) {
    return pki::open_token_key(pki::parse_pkcs11_uri(spec), token_options(values));
  }
  return {spec, read_secret(values, "passphrase")};
}

int run_keygen(const std::vector<std::string>& args) {
  po::options_description options(
      "zbundle keygen (--out PREFIX | --pkcs11 'pkcs11:token=T;object=LABEL') [options]");
  options.add_options()("out", po::value<std::string>(), "writes PREFIX.key (0600) and PREFIX.pub")(
      "pkcs11",
      po::value<std::string>(),
      "generate the key pair on this token instead (RFC 7512 URI; object= labels the key)")(
      "type", po::value<std::string>()->default_value("ed25519"), "ed25519, ecdsa-p256 or rsa3072")(
      "help,h", "show this help");
  add_signing_key_options(options);
  if (wants_help(args, options)) {
    return 0;
  }
  const po::variables_map values = parse_options(args, options, {});
  const pki::KeyType type = pki::parse_key_type(values["type"].as<std::string>());
  if (values.count("out") == values.count("pkcs11")) {
    throw Error(ErrorKind::usage, "keygen: give one of --out PREFIX and --pkcs11 URI");
  }
  const std::string key_id =
      values.count("pkcs11") ? pki::generate_token_key(
          pki::parse_pkcs11_uri(values["pkcs11"].as<std::string>()), type, token_options(values))
                             : pki::generate_signing_key(values["out"].as<std::string>(),
                                                         type,
                                                         read_secret(values, "passphrase"));
  std::cout << key_id << '\n';
  return 0;
}

int run_pubkey(const std::vector<std::string>& args) {
  po::options_description options("zbundle pubkey KEY -o PUB.pem");
  options.add_options()("key", po::value<std::string>(), "a pkcs11: URI or a PEM private key file")(
      "output,o", po::value<std::string>(), "where to write the public key (PEM)")(
      "help,h", "show this help");
  add_signing_key_options(options);
  po::positional_options_description positional;
  positional.add("key", 1);
  if (wants_help(args, options)) {
    return 0;
  }
  const po::variables_map values = parse_options(args, options, positional);
  if (!values.count("key") || !values.count("output")) {
    throw Error(ErrorKind::usage, "pubkey: KEY and -o PUB.pem are required");
  }
  const pki::SigningKey key = open_signing_key(values["key"].as<std::string>(), values);
  key.write_public_key(values["output"].as<std::string>());
  std::cout << key.key_id() << '\n';
  return 0;
}

} // namespace zbundle::cli
