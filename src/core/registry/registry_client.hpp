#pragma once

// The OCI distribution API calls a push needs, on one connection, authenticated as the
// registry asks (registry_auth.hpp). Every failure is a RegistryError saying what the registry
// answered and, for the answers registries are known for, what to do about it.

#include "core/ics/mirror_name.hpp"
#include "core/registry/http_connection.hpp"
#include "core/registry/registry_auth.hpp"
#include "core/registry/registry_error.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zbundle::registry {

// Where `target`'s registry is reached: TLS trusting `ca_pem` (empty: the system's store), or
// plain HTTP, which only a loopback registry may be asked for. Throws Error{usage} for plain
// HTTP to anything else (images and credentials would cross the network in clear).
[[nodiscard]] Endpoint registry_endpoint(const ics::MirrorName& target,
                                         bool insecure_http,
                                         std::string connect_address,
                                         std::string ca_pem);

class RegistryClient {
public:
  RegistryClient(const Endpoint& endpoint, std::optional<std::string> basic_auth);

  // GET /v2/: the certificate, the credentials and the API, before any work. Throws a fatal
  // RegistryError when nothing could be pushed.
  void check_api();

  [[nodiscard]] bool has_blob(std::string_view repository, std::string_view digest);
  // Cross-repository mount; false when the registry would rather have the bytes.
  [[nodiscard]] bool mount_blob(std::string_view repository,
                                std::string_view digest,
                                std::string_view from_repository);

  // An upload of `size` bytes into `repository`: write() them, then commit() with the digest
  // they must have, or abort() (the registry drops what it got). A registry that refuses the
  // upload while it streams is named by its own answer (write() throws it).
  void begin_upload(std::string_view repository, std::uint64_t size);
  void write(std::span<const std::byte> bytes);
  void commit(std::string_view digest);
  void abort() noexcept;

  // The digest the registry holds under `reference` (a tag or digest), or nullopt.
  [[nodiscard]] std::optional<std::string> manifest_digest(std::string_view repository,
                                                           std::string_view reference);
  // The bytes of the manifest `digest` (a sha256 digest) in `repository`, or nullopt when the
  // registry lacks it. Throws a refused RegistryError when the bytes have another digest.
  [[nodiscard]] std::optional<std::string> manifest(std::string_view repository,
                                                    std::string_view digest);
  void put_manifest(std::string_view repository,
                    std::string_view reference,
                    std::string_view media_type,
                    std::string_view body);

  // DELETE of the manifest `digest` in `repository` (its tags go with it): true when deleted,
  // false when the registry lacks it. Throws a fatal RegistryError when the registry does not
  // allow deletes.
  [[nodiscard]] bool delete_manifest(std::string_view repository, std::string_view digest);

  // The repositories the registry lists (GET /v2/_catalog, page by page), each checked against
  // the repository grammar. Throws a refused RegistryError for more than `limit`, a name
  // outside the grammar or a next page elsewhere; an unlisted catalog (404) reads as empty.
  [[nodiscard]] std::vector<std::string> repositories(std::size_t limit);
  // The tags of `repository` (GET /v2/<name>/tags/list), checked as repositories() checks.
  [[nodiscard]] std::vector<std::string> tags(const std::string& repository, std::size_t limit);

  [[nodiscard]] const Endpoint& endpoint() const noexcept { return m_connection.endpoint(); }

private:
  HttpResponse send(std::string_view method,
                    const std::string& target,
                    const std::string& repository,
                    Headers headers,
                    std::string_view body = {});
  [[noreturn]] void refuse(std::string_view what, const HttpResponse& response) const;
  // HEAD or GET of a manifest: the answer, nullopt on 404; any other status is refused with
  // `failure` ("cannot check the manifest").
  std::optional<HttpResponse> request_manifest(std::string_view method,
                                               const std::string& repository,
                                               std::string_view reference,
                                               std::string_view failure);

  // The names under `field` of every page from `first` on (pages linked by rel="next"), each
  // accepted by `is_valid`.
  std::vector<std::string> list_pages(std::string first,
                                      const std::string& repository,
                                      std::string_view field,
                                      bool (*is_valid)(std::string_view) noexcept,
                                      std::size_t limit);

  HttpConnection m_connection;
  Authenticator m_auth;
  std::string m_upload_location; // the upload under way
  std::string m_upload_repository;
};

} // namespace zbundle::registry
