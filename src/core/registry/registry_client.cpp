#include "core/registry/registry_client.hpp"

#include "core/util/str_cat.hpp"
#include "core/util/text_file.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>

namespace zbundle::registry {
namespace {

using util::str_cat;
namespace fs = std::filesystem;

constexpr std::uint64_t k_auth_file_limit = std::uint64_t{1} << 20;

// "code: message" of the first error in a distribution error body, or the status line.
std::string registry_says(const HttpResponse& response) {
  const auto document = nlohmann::json::parse(response.body, nullptr, false);
  if (document.is_object() && document.contains("errors") && document["errors"].is_array()
      && !document["errors"].empty() && document["errors"][0].is_object()) {
    const auto& first = document["errors"][0];
    return str_cat(first.value("code", "?"), ": ", first.value("message", ""));
  }
  return str_cat("HTTP ", response.status);
}

std::string_view error_code(const HttpResponse& response) {
  const std::string said = registry_says(response);
  return said.starts_with("NAME_UNKNOWN")   ? "NAME_UNKNOWN"
         : said.starts_with("NAME_INVALID") ? "NAME_INVALID"
         : said.starts_with("DENIED")       ? "DENIED"
                                            : "";
}

// A broken connection may heal; an untrusted certificate will not.
Failure failure_of(const Error& error) {
  return error.kind() == ErrorKind::io ? Failure::transient : Failure::fatal;
}

// The path and query of a Location header, which may be absolute or relative.
std::string location_target(const std::string& location) {
  const std::size_t scheme = location.find("://");
  if (scheme == std::string::npos) {
    return location;
  }
  const std::size_t path = location.find('/', scheme + 3);
  return path == std::string::npos ? "/" : location.substr(path);
}

} // namespace

std::optional<std::string> read_registry_auth(const fs::path& file, std::string_view registry) {
  const std::string text = util::read_text_file(file, k_auth_file_limit);
  const auto document = nlohmann::json::parse(text, nullptr, false);
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

fs::path default_auth_file() {
  std::vector<fs::path> candidates;
  if (const char* given = std::getenv("REGISTRY_AUTH_FILE"); given && *given) {
    candidates.emplace_back(given);
  }
  if (const char* runtime = std::getenv("XDG_RUNTIME_DIR"); runtime && *runtime) {
    candidates.push_back(fs::path(runtime) / "containers/auth.json");
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    candidates.push_back(fs::path(home) / ".config/containers/auth.json");
    candidates.push_back(fs::path(home) / ".docker/config.json");
  }
  for (const fs::path& candidate : candidates) {
    std::error_code error;
    if (fs::is_regular_file(candidate, error)) {
      return candidate;
    }
  }
  return {};
}

RegistryClient::RegistryClient(Endpoint endpoint, std::optional<std::string> basic_auth)
    : m_connection(std::move(endpoint)), m_basic_auth(std::move(basic_auth)) {}

HttpResponse RegistryClient::send(std::string_view method,
                                  const std::string& target,
                                  Headers headers,
                                  std::string_view body) {
  for (bool is_retry = false;; is_retry = true) {
    if (m_is_authenticating && m_basic_auth) {
      headers["authorization"] = str_cat("Basic ", *m_basic_auth);
    }
    HttpResponse response;
    try {
      response = m_connection.request(method, target, headers, body);
    } catch (const Error& error) { // a broken connection may heal; an untrusted one will not
      throw RegistryError(error.what(), failure_of(error));
    }
    if (response.status != 401 || is_retry || m_is_authenticating) {
      return response;
    }
    m_is_authenticating = true; // once asked, every request carries the credentials
    const std::string challenge = response.headers["www-authenticate"];
    if (!challenge.starts_with("Basic") && !challenge.starts_with("basic")) {
      throw RegistryError(str_cat(endpoint().authority(),
                                  ": the registry asks for token authentication (",
                                  challenge.substr(0, challenge.find(' ')),
                                  "), which this version does not speak; use basic auth"),
                          Failure::fatal);
    }
    if (!m_basic_auth) {
      throw RegistryError(str_cat(endpoint().authority(),
                                  ": the registry asks for credentials and the auth file has "
                                  "none for it (--authfile, auths.\"",
                                  endpoint().authority(),
                                  "\".auth)"),
                          Failure::fatal);
    }
  }
}

void RegistryClient::refuse(std::string_view what, const HttpResponse& response) const {
  const std::string said = registry_says(response);
  std::string advice;
  if (response.status == 401) {
    advice = " (the credentials were refused: check the auth file's entry for the registry)";
  } else if (response.status == 403 || error_code(response) == "DENIED"
             || error_code(response) == "NAME_UNKNOWN") {
    advice = " (Quay needs the organization to exist or create-on-push enabled; Harbor needs "
             "the project; the user needs push rights)";
  } else if (error_code(response) == "NAME_INVALID") {
    advice = " (some registries limit the depth of repository paths: push --to a shorter "
             "namespace, as oc-mirror's --max-nested-paths would)";
  }
  const Failure failure = response.status >= 500   ? Failure::transient
                          : response.status == 401 ? Failure::fatal
                                                   : Failure::refused;
  throw RegistryError(str_cat(endpoint().authority(), ": ", what, ": ", said, advice), failure);
}

void RegistryClient::check_api() {
  HttpResponse response;
  try {
    response = send("GET", "/v2/", {});
  } catch (const RegistryError& error) {
    throw RegistryError(error.what(), Failure::fatal); // down now: the run cannot start
  }
  if (response.status == 200) {
    return;
  }
  try {
    refuse("the registry API (/v2/)", response);
  } catch (const RegistryError& error) {
    throw RegistryError(error.what(), Failure::fatal);
  }
}

bool RegistryClient::has_blob(std::string_view repository, std::string_view digest) {
  const HttpResponse response = send("HEAD", str_cat("/v2/", repository, "/blobs/", digest), {});
  if (response.status == 200 || response.status == 404) {
    return response.status == 200;
  }
  refuse("cannot check the blob", response);
}

bool RegistryClient::mount_blob(std::string_view repository,
                                std::string_view digest,
                                std::string_view from_repository) {
  const HttpResponse response =
      send("POST",
           str_cat("/v2/", repository, "/blobs/uploads/?mount=", digest, "&from=", from_repository),
           {{"content-length", "0"}});
  if (response.status == 201) {
    return true;
  }
  if (response.status == 202) { // not mounted: an upload was opened instead; close it
    const auto location = response.headers.find("location");
    if (location != response.headers.end()) {
      (void)send("DELETE", location_target(location->second), {});
    }
    return false;
  }
  refuse(str_cat("cannot mount the blob from ", from_repository), response);
}

void RegistryClient::begin_upload(std::string_view repository, std::uint64_t size) {
  const HttpResponse started =
      send("POST", str_cat("/v2/", repository, "/blobs/uploads/"), {{"content-length", "0"}});
  const auto location = started.headers.find("location");
  if (started.status != 202 || location == started.headers.end()) {
    refuse("cannot start a blob upload", started);
  }
  m_upload_location = location_target(location->second);
  Headers headers{{"content-type", "application/octet-stream"}};
  if (m_is_authenticating && m_basic_auth) {
    headers["authorization"] = str_cat("Basic ", *m_basic_auth);
  }
  try {
    m_connection.begin_body("PATCH", m_upload_location, headers, size);
  } catch (const Error& error) {
    throw RegistryError(error.what(), failure_of(error));
  }
}

void RegistryClient::write(std::span<const std::byte> bytes) {
  try {
    m_connection.write_body(bytes);
  } catch (const Error& error) {
    throw RegistryError(error.what(), failure_of(error));
  }
}

void RegistryClient::commit(std::string_view digest) {
  HttpResponse sent;
  try {
    sent = m_connection.end_body();
  } catch (const Error& error) {
    throw RegistryError(error.what(), failure_of(error));
  }
  const auto location = sent.headers.find("location");
  if (sent.status != 202 || location == sent.headers.end()) {
    refuse("the blob upload failed", sent);
  }
  const std::string target = location_target(location->second);
  const char separator = target.find('?') == std::string::npos ? '?' : '&';
  const HttpResponse done =
      send("PUT", str_cat(target, separator, "digest=", digest), {{"content-length", "0"}});
  m_upload_location.clear();
  if (done.status != 201) {
    refuse("cannot commit the blob upload", done);
  }
}

void RegistryClient::abort() noexcept {
  if (m_upload_location.empty()) {
    return;
  }
  m_connection.close(); // it may be mid-body, or owe the answer to one
  try {
    Headers headers;
    if (m_is_authenticating && m_basic_auth) {
      headers["authorization"] = str_cat("Basic ", *m_basic_auth);
    }
    (void)m_connection.request("DELETE", m_upload_location, headers);
  } catch (const Error&) { // the registry expires abandoned uploads itself
  }
  m_upload_location.clear();
}

std::optional<std::string> RegistryClient::manifest_digest(std::string_view repository,
                                                           std::string_view reference) {
  HttpResponse response =
      send("HEAD",
           str_cat("/v2/", repository, "/manifests/", reference),
           {{"accept",
             "application/vnd.oci.image.index.v1+json,application/vnd.oci.image.manifest.v1+json,"
             "application/vnd.docker.distribution.manifest.list.v2+json,"
             "application/vnd.docker.distribution.manifest.v2+json"}});
  if (response.status == 404) {
    return std::nullopt;
  }
  if (response.status != 200) {
    refuse("cannot check the manifest", response);
  }
  return response.headers["docker-content-digest"];
}

void RegistryClient::put_manifest(std::string_view repository,
                                  std::string_view reference,
                                  std::string_view media_type,
                                  std::string_view body) {
  const HttpResponse response = send("PUT",
                                     str_cat("/v2/", repository, "/manifests/", reference),
                                     {{"content-type", std::string(media_type)}},
                                     body);
  if (response.status != 201) {
    refuse("cannot push the manifest", response);
  }
}

} // namespace zbundle::registry
