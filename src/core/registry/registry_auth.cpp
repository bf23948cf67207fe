#include "core/registry/registry_auth.hpp"

#include "core/registry/registry_answers.hpp"
#include "core/registry/registry_error.hpp"
#include "core/util/bounded_parse.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/text_file.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <charconv>
#include <cstdlib>

namespace zbundle::registry {
namespace {

using util::str_cat;
namespace fs = std::filesystem;

constexpr std::uint64_t k_auth_file_limit = std::uint64_t{1} << 20;

std::string lower(std::string_view text) {
  std::string result(text);
  for (char& c : result) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return result;
}

// Query-string encoding of one value (RFC 3986 unreserved characters kept).
std::string percent_encoded(std::string_view text) {
  constexpr std::string_view k_hex = "0123456789ABCDEF";
  std::string encoded;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      encoded += c;
    } else {
      encoded += '%';
      encoded += k_hex[byte >> 4];
      encoded += k_hex[byte & 0xf];
    }
  }
  return encoded;
}

// The token service's URL as an endpoint and a path. Only https, unless the registry itself
// is plain HTTP (tests): credentials never travel in clear to a TLS registry's token service.
std::pair<Endpoint, std::string> token_service(const std::string& realm, const Endpoint& registry) {
  const bool is_tls = realm.starts_with("https://");
  if (!is_tls && !(realm.starts_with("http://") && !registry.is_tls)) {
    throw RegistryError(
        str_cat(registry.authority(), ": the token service ", realm, " is not an https URL"),
        Failure::fatal);
  }
  const std::string rest = realm.substr(is_tls ? 8 : 7);
  const std::size_t slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  Endpoint endpoint = registry;
  endpoint.is_tls = is_tls;
  endpoint.port = is_tls ? 443 : 80;
  endpoint.host = authority;
  const std::size_t colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
    endpoint.host = authority.substr(0, colon);
    const std::string_view port = std::string_view(authority).substr(colon + 1);
    if (std::from_chars(port.data(), port.data() + port.size(), endpoint.port).ec != std::errc{}) {
      throw RegistryError(str_cat(registry.authority(), ": bad token service URL ", realm),
                          Failure::fatal);
    }
  }
  if (endpoint.host != registry.host) {
    endpoint.connect_address.clear(); // --resolve names the registry, not this host
  }
  return {endpoint, slash == std::string::npos ? "/" : rest.substr(slash)};
}

} // namespace

std::optional<std::string> read_registry_auth(const fs::path& file, std::string_view registry) {
  const std::string text = util::read_text_file(file, k_auth_file_limit);
  nlohmann::json document;
  try {
    document = util::parse_bounded_json(text, file.string());
  } catch (const Error&) {
    document = nullptr; // refused below, as a file that is no auth file
  }
  if (!document.is_object() || !document.contains("auths") || !document["auths"].is_object()) {
    throw Error(ErrorKind::input,
                str_cat(file.string(), ": not a containers auth file (no \"auths\" object)"));
  }
  const auto& auths = document["auths"];
  const auto found = auths.find(std::string(registry));
  if (found == auths.end() || !found->is_object() || !found->contains("auth")
      || !(*found)["auth"].is_string()) {
    return std::nullopt;
  }
  return (*found)["auth"].get<std::string>();
}

fs::path default_auth_file(const AuthFileEnvironment& environment) {
  std::vector<fs::path> candidates;
  if (!environment.registry_auth_file.empty()) {
    candidates.emplace_back(environment.registry_auth_file);
  }
  if (!environment.xdg_runtime_dir.empty()) {
    candidates.push_back(fs::path(environment.xdg_runtime_dir) / "containers/auth.json");
  }
  if (!environment.home.empty()) {
    candidates.push_back(fs::path(environment.home) / ".config/containers/auth.json");
    candidates.push_back(fs::path(environment.home) / ".docker/config.json");
  }
  for (const fs::path& candidate : candidates) {
    std::error_code error;
    if (fs::is_regular_file(candidate, error)) {
      return candidate;
    }
  }
  return {};
}

Challenge parse_challenge(std::string_view header) {
  Challenge challenge;
  const std::size_t space = header.find(' ');
  challenge.scheme = lower(header.substr(0, space));
  std::string_view rest = space == std::string_view::npos ? "" : header.substr(space + 1);
  while (!rest.empty()) {
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == ',')) {
      rest.remove_prefix(1);
    }
    const std::size_t equals = rest.find('=');
    if (equals == std::string_view::npos) {
      break;
    }
    const std::string name = lower(rest.substr(0, equals));
    rest.remove_prefix(equals + 1);
    std::string value;
    if (!rest.empty() && rest.front() == '"') { // quoted-string, backslash escapes
      std::size_t i = 1;
      for (; i < rest.size() && rest[i] != '"'; ++i) {
        if (rest[i] == '\\' && i + 1 < rest.size()) {
          ++i;
        }
        value += rest[i];
      }
      rest.remove_prefix(std::min(i + 1, rest.size()));
    } else {
      const std::size_t comma = rest.find(',');
      value = std::string(rest.substr(0, comma));
      rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma);
    }
    challenge.parameters[name] = value;
  }
  return challenge;
}

Authenticator::Authenticator(Endpoint registry, std::optional<std::string> basic_auth)
    : m_registry(std::move(registry)), m_basic_auth(std::move(basic_auth)) {}

void Authenticator::authorize(Headers& headers, const std::string& repository) const {
  if (const auto token = m_tokens.find(repository); token != m_tokens.end()) {
    headers["authorization"] = str_cat("Bearer ", token->second);
  } else if (m_use_basic && m_basic_auth) {
    headers["authorization"] = str_cat("Basic ", *m_basic_auth);
  }
}

void Authenticator::answer(const HttpResponse& unauthorized, const std::string& repository) {
  const auto header = unauthorized.headers.find("www-authenticate");
  const Challenge challenge =
      parse_challenge(header == unauthorized.headers.end() ? "" : header->second);
  if (challenge.scheme == "bearer" && challenge.parameters.contains("realm")) {
    m_tokens[repository] = fetch_token(challenge);
    return;
  }
  if (challenge.scheme != "basic") {
    throw RegistryError(
        str_cat(m_registry.authority(),
                ": the registry asks for an authentication this tool does not "
                "speak: ",
                header == unauthorized.headers.end() ? "(none said)" : header->second),
        Failure::fatal);
  }
  if (!m_basic_auth) {
    throw RegistryError(str_cat(m_registry.authority(),
                                ": the registry asks for credentials and the auth file has none "
                                "for it (--authfile, auths.\"",
                                m_registry.authority(),
                                "\".auth)"),
                        Failure::fatal);
  }
  m_use_basic = true;
}

std::string Authenticator::fetch_token(const Challenge& challenge) const {
  const auto& parameters = challenge.parameters;
  auto [endpoint, path] = token_service(parameters.at("realm"), m_registry);
  std::string query;
  for (const char* name : {"service", "scope"}) {
    const auto found = parameters.find(name);
    if (found == parameters.end()) {
      continue;
    }
    // a challenge may name several scopes, space-separated: one parameter each
    for (std::size_t start = 0; start <= found->second.size();) {
      const std::size_t end = std::min(found->second.find(' ', start), found->second.size());
      if (end > start) {
        query +=
            str_cat(query.empty() ? "?" : "&",
                    name,
                    "=",
                    percent_encoded(std::string_view(found->second).substr(start, end - start)));
      }
      start = end + 1;
    }
  }
  Headers headers;
  if (m_basic_auth) {
    headers["authorization"] = str_cat("Basic ", *m_basic_auth);
  }
  HttpConnection connection(endpoint);
  HttpResponse response;
  try {
    response = connection.request("GET", path + query, headers);
  } catch (const Error& error) {
    throw RegistryError(str_cat("the token service: ", error.what()), Failure::fatal);
  }
  std::optional<std::string> token = granted_token(response);
  if (!token) {
    throw RegistryError(str_cat(endpoint.authority(),
                                ": the token service refused a token (HTTP ",
                                response.status,
                                response.status == 401 ? ": the credentials were refused" : "",
                                ")"),
                        Failure::fatal);
  }
  return std::move(*token);
}

} // namespace zbundle::registry
