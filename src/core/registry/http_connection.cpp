#include "core/registry/http_connection.hpp"

#include "core/registry/request_target.hpp"
#include "core/util/error.hpp"
#include "core/util/host_name.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/untrusted_text.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <sys/socket.h>
#include <sys/time.h>

#include <array>
#include <optional>

namespace zbundle::registry {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using Tcp = asio::ip::tcp;
using util::str_cat;

// Registries answer with small JSON (errors, tokens, manifests up to 4 MiB by convention).
constexpr std::uint64_t k_body_limit = std::uint64_t{8} << 20;

std::string bare_host(std::string_view host) { // "[fd00::1]" -> "fd00::1"
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    return std::string(host.substr(1, host.size() - 2));
  }
  return std::string(host);
}

bool is_ip_address(const std::string& host) {
  boost::system::error_code error;
  (void)asio::ip::make_address(host, error);
  return !error;
}

// Plain HTTP sends credentials in the clear: only to this machine, decided on the address the
// connection goes to, whatever name led there (a --resolve or /etc/hosts can point
// "localhost" anywhere).
bool is_loopback(const asio::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).is_loopback();
  }
  return address.is_loopback();
}

} // namespace

std::string Endpoint::authority() const {
  return str_cat(host, ":", port);
}

struct HttpConnection::Impl {
  Endpoint endpoint;
  asio::io_context io;
  ssl::context tls{ssl::context::tls_client};
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  std::optional<beast::tcp_stream> plain;
  beast::flat_buffer buffer;
  bool is_reused = false; // a request was answered on this connection already

  explicit Impl(Endpoint given) : endpoint(std::move(given)) {
    tls.set_verify_mode(ssl::verify_peer);
    boost::system::error_code error;
    if (endpoint.ca_pem.empty()) {
      tls.set_default_verify_paths(error);
    } else {
      tls.add_certificate_authority(asio::buffer(endpoint.ca_pem), error);
    }
    if (error) {
      throw Error(ErrorKind::input,
                  str_cat(endpoint.authority(), ": cannot load the CA: ", error.message()));
    }
  }

  [[noreturn]] void fail(std::string_view what, const boost::system::error_code& error) {
    close();
    throw Error(ErrorKind::io, str_cat(endpoint.authority(), ": ", what, ": ", error.message()));
  }

  [[nodiscard]] bool is_open() const { return secure.has_value() || plain.has_value(); }

  void close() noexcept {
    secure.reset();
    plain.reset();
    buffer.clear();
    is_reused = false;
  }

  void connect() {
    close();
    const std::string host = bare_host(endpoint.host);
    std::string address = endpoint.connect_address;
    if (address.empty() && !util::is_ip_address(host)) {
      address = util::lookup_hosts_file(endpoint.hosts_file, host).value_or("");
    }
    const std::string& name = address.empty() ? host : address;
    Tcp::resolver resolver(io);
    boost::system::error_code error;
    const auto addresses = resolver.resolve(name,
                                            std::to_string(endpoint.port),
                                            util::is_ip_address(name) ? Tcp::resolver::numeric_host
                                                                      : Tcp::resolver::flags{},
                                            error);
    if (error) {
      close();
      throw Error(ErrorKind::io,
                  address.empty() ? str_cat(endpoint.authority(),
                                            ": cannot resolve ",
                                            host,
                                            ": not in ",
                                            endpoint.hosts_file.string(),
                                            ", and DNS says: ",
                                            error.message(),
                                            "; give the address with --resolve ",
                                            host,
                                            ":ADDRESS")
                                  : str_cat(endpoint.authority(), ": not an address: ", address));
    }
    if (!endpoint.is_tls) {
      for (const auto& entry : addresses) {
        if (!is_loopback(entry.endpoint().address())) {
          close();
          throw Error(ErrorKind::usage,
                      str_cat(endpoint.authority(),
                              ": plain HTTP only to a loopback address, and ",
                              host,
                              " is at ",
                              entry.endpoint().address().to_string(),
                              ": use TLS"));
        }
      }
    }
    beast::tcp_stream stream(io);
    stream.socket().open(addresses.begin()->endpoint().protocol(), error);
    (void)asio::connect(stream.socket(), addresses, error);
    if (error) {
      fail("cannot connect", error);
    }
    // Synchronous Beast calls honour no expiry: the socket's own timeouts bound a dead peer.
    const timeval limit{static_cast<time_t>(endpoint.timeout.count()), 0};
    for (const int option : {SO_RCVTIMEO, SO_SNDTIMEO}) {
      (void)::setsockopt(stream.socket().native_handle(), SOL_SOCKET, option, &limit, sizeof limit);
    }
    if (!endpoint.is_tls) {
      plain.emplace(std::move(stream));
      return;
    }
    secure.emplace(std::move(stream), tls);
    SSL* handle = secure->native_handle();
    if (is_ip_address(host)) {
      (void)X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(handle), host.c_str());
    } else {
      (void)SSL_set_tlsext_host_name(handle, host.c_str());
      (void)SSL_set1_host(handle, host.c_str());
    }
    secure->handshake(ssl::stream_base::client, error);
    if (error) {
      const long verdict = SSL_get_verify_result(handle);
      if (verdict != X509_V_OK) {
        close();
        throw Error(ErrorKind::check,
                    str_cat(endpoint.authority(),
                            ": the registry's certificate is not trusted: ",
                            X509_verify_cert_error_string(verdict)));
      }
      fail("TLS handshake failed", error);
    }
  }

  template <class Action> auto with_stream(Action action) {
    return secure ? action(*secure) : action(*plain);
  }

  [[nodiscard]] std::string host_header() const {
    const bool is_default = endpoint.port == (endpoint.is_tls ? 443 : 80);
    return is_default ? endpoint.host : endpoint.authority();
  }

  template <class Body>
  void prepare(http::request<Body>& request,
               std::string_view method,
               std::string_view target,
               const Headers& headers) {
    if (const std::string problem = request_target_problem(target); !problem.empty()) {
      throw Error(ErrorKind::check,
                  str_cat(endpoint.authority(),
                          ": refusing the request target ",
                          util::printable(target),
                          ": ",
                          problem));
    }
    for (const auto& [name, value] : headers) {
      if (util::has_control_character(name) || util::has_control_character(value, "\t")
          || name.find_first_of(" :") != std::string::npos) {
        throw Error(ErrorKind::check,
                    str_cat(endpoint.authority(),
                            ": refusing the header ",
                            util::printable(name),
                            ": a control character in its name or value"));
      }
    }
    request.method(http::string_to_verb(beast::string_view(method.data(), method.size())));
    request.target(beast::string_view(target.data(), target.size()));
    request.version(11);
    request.set(http::field::host, host_header());
    request.set(http::field::user_agent, "zbundle");
    for (const auto& [name, value] : headers) {
      request.set(name, value);
    }
  }

  // Status and headers (names in lower case); the connection kept or closed as it says.
  template <class Message> HttpResponse answer_of(const Message& message) {
    HttpResponse response;
    response.status = message.result_int();
    for (const auto& field : message) {
      std::string name(field.name_string());
      for (char& c : name) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      response.headers[name] = std::string(field.value());
    }
    if (message.need_eof()) {
      close();
    } else {
      is_reused = true;
    }
    return response;
  }

  HttpResponse read_response(bool is_head) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(k_body_limit);
    parser.skip(is_head);
    boost::system::error_code error;
    with_stream([&](auto& stream) { http::read(stream, buffer, parser, error); });
    if (error) {
      fail("reading the answer failed", error);
    }
    HttpResponse response = answer_of(parser.get());
    response.body = parser.get().body();
    return response;
  }

  HttpResponse read_streamed(const std::function<void(std::span<const std::byte>)>& consume,
                             std::uint64_t max_bytes) {
    http::response_parser<http::buffer_body> parser;
    constexpr std::uint64_t k_error_page = std::uint64_t{64} << 10; // room for a 404's page
    parser.body_limit(max_bytes + k_error_page);
    boost::system::error_code error;
    with_stream([&](auto& stream) { http::read_header(stream, buffer, parser, error); });
    if (error) {
      fail("reading the answer failed", error);
    }
    std::array<char, std::size_t{64} * 1024> chunk{};
    while (!parser.is_done()) {
      parser.get().body().data = chunk.data();
      parser.get().body().size = chunk.size();
      with_stream([&](auto& stream) { http::read(stream, buffer, parser, error); });
      if (error == http::error::need_buffer) {
        error = {};
      }
      if (error) {
        fail("reading the answer failed", error);
      }
      const std::size_t got = chunk.size() - parser.get().body().size;
      if (parser.get().result_int() / 100 == 2) { // an error page is not the file
        consume(std::as_bytes(std::span(chunk.data(), got)));
      }
    }
    return answer_of(parser.get());
  }

  void send(http::request<http::string_body>& request) {
    if (!is_open()) {
      connect();
    }
    boost::system::error_code error;
    with_stream([&](auto& stream) { http::write(stream, request, error); });
    if (error) {
      fail("sending the request failed", error);
    }
  }
};

HttpConnection::HttpConnection(Endpoint endpoint)
    : m_impl(std::make_unique<Impl>(std::move(endpoint))) {}

HttpConnection::~HttpConnection() = default;

void HttpConnection::close() noexcept {
  m_impl->close();
}

const Endpoint& HttpConnection::endpoint() const noexcept {
  return m_impl->endpoint;
}

HttpResponse HttpConnection::request(std::string_view method,
                                     std::string_view target,
                                     const Headers& headers,
                                     std::string_view body) {
  Impl& impl = *m_impl;
  http::request<http::string_body> request;
  impl.prepare(request, method, target, headers);
  request.body() = std::string(body);
  request.prepare_payload();
  // A kept-alive connection the registry closed meanwhile fails on write or on read; the
  // request never reached it, so it is sent once more on a new connection.
  for (bool is_retry = false;; is_retry = true) {
    const bool was_reused = impl.is_reused;
    try {
      impl.send(request);
      return impl.read_response(method == "HEAD");
    } catch (const Error&) {
      if (!was_reused || is_retry) {
        throw;
      }
    }
  }
}

void HttpConnection::begin_body(std::string_view method,
                                std::string_view target,
                                const Headers& headers,
                                std::uint64_t length) {
  Impl& impl = *m_impl;
  http::request<http::empty_body> request;
  impl.prepare(request, method, target, headers);
  request.content_length(length);
  if (!impl.is_open()) {
    impl.connect();
  }
  http::request_serializer<http::empty_body> serializer(request);
  boost::system::error_code error;
  impl.with_stream([&](auto& stream) { http::write_header(stream, serializer, error); });
  if (error) {
    impl.fail("sending the request failed", error);
  }
}

std::optional<HttpResponse> HttpConnection::write_body(std::span<const std::byte> bytes) {
  Impl& impl = *m_impl;
  boost::system::error_code error;
  impl.with_stream(
      [&](auto& stream) { asio::write(stream, asio::buffer(bytes.data(), bytes.size()), error); });
  if (!error) {
    return std::nullopt;
  }
  // A registry that will not take the upload (too large, unavailable, denied) may answer and
  // close before the body ends; its answer says why where "broken pipe" would not. A peer that
  // stopped reading without closing (a timeout) is not waited for again.
  if (error == asio::error::broken_pipe || error == asio::error::connection_reset) {
    try {
      HttpResponse answer = impl.read_response(false);
      impl.close(); // the rest of the body will not be sent
      return answer;
    } catch (const Error&) { // nothing readable came back: the write's own failure says it
    }
  }
  impl.fail("sending the body failed", error);
}

HttpResponse
HttpConnection::download(std::string_view target,
                         const Headers& headers,
                         const std::function<void(std::span<const std::byte>)>& consume,
                         std::uint64_t max_bytes) {
  Impl& impl = *m_impl;
  http::request<http::string_body> request;
  impl.prepare(request, "GET", target, headers);
  request.prepare_payload();
  impl.send(request);
  return impl.read_streamed(consume, max_bytes);
}

HttpResponse HttpConnection::end_body() {
  return m_impl->read_response(false);
}

} // namespace zbundle::registry
