#pragma once

// The OCI distribution API calls a push needs, on one connection, authenticated as the
// registry asks (registry_auth.hpp). Every failure is a RegistryError saying what the registry
// answered and, for the answers registries are known for, what to do about it.

#include "core/registry/http_connection.hpp"
#include "core/registry/registry_auth.hpp"
#include "core/registry/registry_error.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace zbundle::registry {

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
  // they must have, or abort() (the registry drops what it got).
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

  HttpConnection m_connection;
  Authenticator m_auth;
  std::string m_upload_location; // the upload under way
  std::string m_upload_repository;
};

} // namespace zbundle::registry
