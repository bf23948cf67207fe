#pragma once

// The OCI distribution API calls a push needs, on one connection, with basic authentication
// from a containers auth file. Every failure is a RegistryError saying what the registry
// answered and, for the answers registries are known for, what to do about it.

#include "core/registry/http_connection.hpp"
#include "core/util/error.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace zbundle::registry {

enum class Failure {
  transient, // a 5xx answer or a broken connection: the same call may succeed later
  refused,   // this request was refused (denied, unknown or invalid name): others may work
  fatal,     // nothing will work: the certificate is not trusted, the credentials are wrong
};

class RegistryError : public Error {
public:
  RegistryError(const std::string& message, Failure failure)
      : Error(ErrorKind::check, message), m_failure(failure) {}
  [[nodiscard]] Failure failure() const noexcept { return m_failure; }

private:
  Failure m_failure;
};

// The `auth` value (base64 of "user:password") stored for `registry` ("host[:port]") in a
// containers auth file, or nullopt when the file has none. Throws Error{input} naming `file`
// when it is not a JSON object with an "auths" object.
[[nodiscard]] std::optional<std::string> read_registry_auth(const std::filesystem::path& file,
                                                            std::string_view registry);

// The auth file podman and skopeo would use: $REGISTRY_AUTH_FILE,
// $XDG_RUNTIME_DIR/containers/auth.json, ~/.config/containers/auth.json, ~/.docker/config.json,
// the first that exists; empty when none does.
[[nodiscard]] std::filesystem::path default_auth_file();

class RegistryClient {
public:
  RegistryClient(Endpoint endpoint, std::optional<std::string> basic_auth);

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
  void put_manifest(std::string_view repository,
                    std::string_view reference,
                    std::string_view media_type,
                    std::string_view body);

  [[nodiscard]] const Endpoint& endpoint() const noexcept { return m_connection.endpoint(); }

private:
  HttpResponse send(std::string_view method,
                    const std::string& target,
                    Headers headers,
                    std::string_view body = {});
  [[noreturn]] void refuse(std::string_view what, const HttpResponse& response) const;

  HttpConnection m_connection;
  std::optional<std::string> m_basic_auth;
  bool m_is_authenticating = false; // the registry asked for credentials once
  std::string m_upload_location;    // the upload under way
};

} // namespace zbundle::registry
