#pragma once

// Registry authentication: the credentials in a containers auth file, and what a 401 asks for:
// basic auth (distribution with htpasswd, Nexus) or a bearer token from the registry's token
// service (Quay, Harbor, distribution with token auth), fetched per repository scope with the
// same credentials, as the Docker token protocol describes.

#include "core/registry/http_connection.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace zbundle::registry {

// The `auth` value (base64 of "user:password") stored for `registry` ("host[:port]") in a
// containers auth file, or nullopt when the file has none. Throws Error{input} naming `file`
// when it is not a JSON object with an "auths" object.
[[nodiscard]] std::optional<std::string> read_registry_auth(const std::filesystem::path& file,
                                                            std::string_view registry);

// Where podman and skopeo look for an auth file, as the caller's environment says (the
// variables' values; empty when unset).
struct AuthFileEnvironment {
  std::string registry_auth_file; // $REGISTRY_AUTH_FILE
  std::string xdg_runtime_dir;    // $XDG_RUNTIME_DIR
  std::string home;               // $HOME
};

// The auth file podman and skopeo would use: $REGISTRY_AUTH_FILE,
// $XDG_RUNTIME_DIR/containers/auth.json, ~/.config/containers/auth.json, ~/.docker/config.json,
// the first that exists; empty when none does.
[[nodiscard]] std::filesystem::path default_auth_file(const AuthFileEnvironment& environment);

// A WWW-Authenticate header: `Bearer realm="...",service="...",scope="..."`.
struct Challenge {
  std::string scheme; // lower case: "basic", "bearer"
  std::map<std::string, std::string> parameters;
};
[[nodiscard]] Challenge parse_challenge(std::string_view header);

class Authenticator {
public:
  // `registry` is where the requests go; token services are reached with its CA.
  Authenticator(Endpoint registry, std::optional<std::string> basic_auth);

  // Adds the Authorization header a request for `repository` needs, if any is known yet.
  void authorize(Headers& headers, const std::string& repository) const;
  // Learns from a 401 answer: basic credentials from now on, or a token for the scope it
  // names. Throws a fatal RegistryError when the challenge cannot be met.
  void answer(const HttpResponse& unauthorized, const std::string& repository);

private:
  [[nodiscard]] std::string fetch_token(const Challenge& challenge) const;

  Endpoint m_registry;
  std::optional<std::string> m_basic_auth;
  bool m_use_basic = false;
  std::map<std::string, std::string> m_tokens; // repository -> bearer token
};

} // namespace zbundle::registry
