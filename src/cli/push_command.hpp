#pragma once

// zbundle-extract push: the bundle's images into the site's registry; receipt: what that
// registry holds, signed on the bastion for the next bundle; prune: what the bundle dropped,
// deleted from it (day 2).

#include "core/ics/mirror_name.hpp"
#include "core/registry/http_connection.hpp"

#include <boost/program_options.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace zbundle::cli {

// How a registry is reached: --ca, --authfile, --insecure-http and --resolve, as push and
// receipt take them.
struct RegistryAccess {
  std::filesystem::path ca;       // empty: not given
  std::filesystem::path authfile; // the option, else the containers default; may be empty
  bool insecure_http = false;
  std::string connect_address;
};
void add_registry_access_options(boost::program_options::options_description& options);
// Throws Error{usage} for a --resolve that does not name `target`'s host.
[[nodiscard]] RegistryAccess
registry_access_from(const boost::program_options::variables_map& values,
                     const ics::MirrorName& target);

// How receipt and prune reach the registry RegistryAccess names: TLS trusting --ca (else the
// system's store), and the auth file's credentials for `target`.
struct RegistryLogin {
  registry::Endpoint endpoint;
  std::optional<std::string> basic_auth;
};
[[nodiscard]] RegistryLogin registry_login(const RegistryAccess& access,
                                           const ics::MirrorName& target);

int run_push(const std::vector<std::string>& args);
int run_receipt(const std::vector<std::string>& args);
int run_prune(const std::vector<std::string>& args);

} // namespace zbundle::cli
