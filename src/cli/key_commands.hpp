#pragma once

// zbundle's signing keys: keygen and pubkey, and the key create signs with. A key is a PEM
// file or a pkcs11: URI (RFC 7512) naming a key on a token; its passphrase or PIN comes from
// a file or the environment, never from the command line (ps and shell history show that).

#include "core/pki/signing_key.hpp"

#include <boost/program_options.hpp>

#include <string>
#include <vector>

namespace zbundle::cli {

// --passphrase-file/-env, --pin-file/-env and --pkcs11-module.
void add_signing_key_options(boost::program_options::options_description& options);

// The key `spec` names: a pkcs11: URI or a PEM private key file. Throws Error{usage} for a
// token key in a static build or a PIN the token needs and was not given, Error{input} for
// a key that cannot be loaded (wrong passphrase or PIN, no such key, a token without the
// mechanism the key signs with).
[[nodiscard]] pki::SigningKey open_signing_key(const std::string& spec,
                                               const boost::program_options::variables_map& values);

int run_keygen(const std::vector<std::string>& args);
int run_pubkey(const std::vector<std::string>& args);

} // namespace zbundle::cli
