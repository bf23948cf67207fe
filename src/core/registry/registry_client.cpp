#include "core/registry/registry_client.hpp"

#include "core/registry/registry_answers.hpp"
#include "core/registry/request_target.hpp"
#include "core/util/sha256.hpp"
#include "core/util/str_cat.hpp"

#include <cstdlib>

namespace zbundle::registry {
namespace {

using util::str_cat;

constexpr std::string_view k_manifest_types =
    "application/vnd.oci.image.index.v1+json,application/vnd.oci.image.manifest.v1+json,"
    "application/vnd.docker.distribution.manifest.list.v2+json,"
    "application/vnd.docker.distribution.manifest.v2+json";

// A broken connection may heal; an untrusted certificate will not.
Failure failure_of(const Error& error) {
  return error.kind() == ErrorKind::io ? Failure::transient : Failure::fatal;
}

} // namespace

Endpoint registry_endpoint(const ics::MirrorName& target,
                           bool insecure_http,
                           std::string connect_address,
                           std::string ca_pem) {
  const std::string& host = target.host;
  if (insecure_http && host != "127.0.0.1" && host != "[::1]" && host != "localhost") {
    throw Error(ErrorKind::usage,
                str_cat("--insecure-http: only for a registry on 127.0.0.1, [::1] or localhost, "
                        "not ",
                        host,
                        " (images and credentials would cross the network in clear)"));
  }
  Endpoint endpoint;
  endpoint.host = host;
  endpoint.is_tls = !insecure_http;
  endpoint.port = target.port.value_or(endpoint.is_tls ? 443 : 80);
  endpoint.connect_address = std::move(connect_address);
  endpoint.ca_pem = std::move(ca_pem);
  return endpoint;
}

RegistryClient::RegistryClient(const Endpoint& endpoint, std::optional<std::string> basic_auth)
    : m_connection(endpoint), m_auth(endpoint, std::move(basic_auth)) {}

HttpResponse RegistryClient::send(std::string_view method,
                                  const std::string& target,
                                  const std::string& repository,
                                  Headers headers,
                                  std::string_view body) {
  for (bool is_retry = false;; is_retry = true) {
    m_auth.authorize(headers, repository);
    HttpResponse response;
    try {
      response = m_connection.request(method, target, headers, body);
    } catch (const Error& error) {
      throw RegistryError(error.what(), failure_of(error));
    }
    if (response.status != 401 || is_retry) {
      return response;
    }
    m_auth.answer(response, repository); // then once more, as asked
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
    response = send("GET", "/v2/", "", {});
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
  const std::string name(repository);
  const HttpResponse response = send("HEAD", str_cat("/v2/", name, "/blobs/", digest), name, {});
  if (response.status == 200 || response.status == 404) {
    return response.status == 200;
  }
  refuse("cannot check the blob", response);
}

bool RegistryClient::mount_blob(std::string_view repository,
                                std::string_view digest,
                                std::string_view from_repository) {
  const std::string name(repository);
  const HttpResponse response =
      send("POST",
           str_cat("/v2/", name, "/blobs/uploads/?mount=", digest, "&from=", from_repository),
           name,
           {{"content-length", "0"}});
  if (response.status == 201) {
    return true;
  }
  if (response.status == 202) { // not mounted: an upload was opened instead; close it
    const auto location = response.headers.find("location");
    if (location != response.headers.end()) {
      (void)send("DELETE", request_target(location->second), name, {});
    }
    return false;
  }
  refuse(str_cat("cannot mount the blob from ", from_repository), response);
}

void RegistryClient::begin_upload(std::string_view repository, std::uint64_t size) {
  m_upload_repository = repository;
  const HttpResponse started = send("POST",
                                    str_cat("/v2/", repository, "/blobs/uploads/"),
                                    m_upload_repository,
                                    {{"content-length", "0"}});
  const auto location = started.headers.find("location");
  if (started.status != 202 || location == started.headers.end()) {
    refuse("cannot start a blob upload", started);
  }
  m_upload_location = request_target(location->second);
  Headers headers{{"content-type", "application/octet-stream"}};
  m_auth.authorize(headers, m_upload_repository);
  try {
    m_connection.begin_body("PATCH", m_upload_location, headers, size);
  } catch (const Error& error) {
    throw RegistryError(error.what(), failure_of(error));
  }
}

void RegistryClient::write(std::span<const std::byte> bytes) {
  std::optional<HttpResponse> early;
  try {
    early = m_connection.write_body(bytes);
  } catch (const Error& error) {
    throw RegistryError(error.what(), failure_of(error));
  }
  if (early) { // the registry answered before the body ended
    refuse("the blob upload failed", *early);
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
  const std::string target = request_target(location->second);
  const char separator = target.find('?') == std::string::npos ? '?' : '&';
  const HttpResponse done = send("PUT",
                                 str_cat(target, separator, "digest=", digest),
                                 m_upload_repository,
                                 {{"content-length", "0"}});
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
    m_auth.authorize(headers, m_upload_repository);
    (void)m_connection.request("DELETE", m_upload_location, headers);
  } catch (...) { // the registry expires abandoned uploads itself
  }
  m_upload_location.clear();
}

std::optional<HttpResponse> RegistryClient::request_manifest(std::string_view method,
                                                             const std::string& repository,
                                                             std::string_view reference,
                                                             std::string_view failure) {
  HttpResponse response = send(method,
                               str_cat("/v2/", repository, "/manifests/", reference),
                               repository,
                               {{"accept", std::string(k_manifest_types)}});
  if (response.status == 404) {
    return std::nullopt;
  }
  if (response.status != 200) {
    refuse(failure, response);
  }
  return response;
}

std::optional<std::string> RegistryClient::manifest_digest(std::string_view repository,
                                                           std::string_view reference) {
  std::optional<HttpResponse> response =
      request_manifest("HEAD", std::string(repository), reference, "cannot check the manifest");
  if (!response) {
    return std::nullopt;
  }
  return response->headers["docker-content-digest"];
}

std::optional<std::string> RegistryClient::manifest(std::string_view repository,
                                                    std::string_view digest) {
  const std::string name(repository);
  std::optional<HttpResponse> response =
      request_manifest("GET", name, digest, "cannot read the manifest");
  if (!response) {
    return std::nullopt;
  }
  util::Sha256 hasher;
  hasher.update(std::as_bytes(std::span(response->body)));
  if (hasher.finish() != digest) {
    throw RegistryError(str_cat(name, "@", digest, ": the registry answered other bytes"),
                        Failure::refused);
  }
  return std::move(response->body);
}

bool RegistryClient::delete_manifest(std::string_view repository, std::string_view digest) {
  const std::string name(repository);
  const HttpResponse response =
      send("DELETE", str_cat("/v2/", name, "/manifests/", digest), name, {});
  if (response.status == 202 || response.status == 200) {
    return true;
  }
  if (response.status == 404) {
    return false;
  }
  if (response.status == 405 || error_code(response) == "UNSUPPORTED") {
    throw RegistryError(str_cat(name,
                                "@",
                                digest,
                                ": the registry does not allow deletes: ",
                                registry_says(response),
                                " (docker-registry: storage.delete.enabled: true, or "
                                "REGISTRY_STORAGE_DELETE_ENABLED=true)"),
                        Failure::fatal);
  }
  refuse(str_cat(name, "@", digest, ": cannot delete the manifest"), response);
}

void RegistryClient::put_manifest(std::string_view repository,
                                  std::string_view reference,
                                  std::string_view media_type,
                                  std::string_view body) {
  const std::string name(repository);
  const HttpResponse response = send("PUT",
                                     str_cat("/v2/", name, "/manifests/", reference),
                                     name,
                                     {{"content-type", std::string(media_type)}},
                                     body);
  if (response.status != 201) {
    refuse("cannot push the manifest", response);
  }
}

} // namespace zbundle::registry
