#pragma once

// One keep-alive HTTP/1.1 connection to a registry, over TLS (the registry's CA, host name
// checked) or, only when asked, plain HTTP. Boost.Beast stays behind this header: it is
// header-only, links statically for s390x with Debian's OpenSSL archives, and is the one HTTP
// library the project carries.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace zbundle::registry {

struct Endpoint {
  std::string host;            // as written in the target: name, IPv4 or [IPv6]
  std::uint16_t port = 443;    // 443 unless the target names one
  bool is_tls = true;          // false only with --insecure-http
  std::string connect_address; // --resolve: connect here instead of resolving `host`
  // Names are looked up here first (a static binary cannot count on glibc's NSS modules on
  // the bastion), then through the system's resolver (DNS).
  std::filesystem::path hosts_file = "/etc/hosts";
  std::string ca_pem; // trusted CAs; empty: the system's store
  std::chrono::seconds timeout{60};

  [[nodiscard]] std::string authority() const; // "host:port", for messages
};

// Header names in lower case.
using Headers = std::map<std::string, std::string>;

struct HttpResponse {
  unsigned status = 0;
  Headers headers;
  std::string body; // capped; registries answer errors and manifests in small JSON bodies
};

class HttpConnection {
public:
  explicit HttpConnection(Endpoint endpoint);
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;
  ~HttpConnection();

  // One request; connects (again) when needed. `target` is the path and query. Throws
  // Error{check} naming the endpoint when its certificate is not trusted, Error{io} when it
  // cannot connect or the exchange breaks.
  HttpResponse request(std::string_view method,
                       std::string_view target,
                       const Headers& headers,
                       std::string_view body = {});

  // A request whose body of `length` bytes streams through write_body(); end_body() reads
  // the answer once all of it was written. write_body() returns the answer instead when the
  // peer gave one before the body ended and closed the connection (an upload refused as it
  // streams): the body is over then, and the connection closed.
  void begin_body(std::string_view method,
                  std::string_view target,
                  const Headers& headers,
                  std::uint64_t length);
  [[nodiscard]] std::optional<HttpResponse> write_body(std::span<const std::byte> bytes);
  HttpResponse end_body();

  // A GET whose answer's body, when the status is 2xx, streams through `consume` in chunks
  // however large (up to about `max_bytes`, then Error{io}): for files served over HTTP,
  // hashed as they arrive. The returned response has no body.
  HttpResponse download(std::string_view target,
                        const Headers& headers,
                        const std::function<void(std::span<const std::byte>)>& consume,
                        std::uint64_t max_bytes);

  // Drops the connection (the next request opens a new one): after an abandoned body.
  void close() noexcept;

  [[nodiscard]] const Endpoint& endpoint() const noexcept;

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace zbundle::registry
