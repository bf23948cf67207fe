#include "core/pki/tls_probe.hpp"

#include "core/pki/openssl_error.hpp"
#include "core/util/error.hpp"
#include "core/util/fd.hpp"
#include "core/util/host_name.hpp"
#include "core/util/str_cat.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace zbundle::pki {
namespace {

using util::str_cat;

std::string subject_of(const ProbeTarget& target) {
  return str_cat(target.host, ":", static_cast<unsigned>(target.port));
}

util::Fd connect_with_timeout(const ProbeTarget& target, const std::string& address) {
  sockaddr_storage storage{};
  socklen_t length = 0;
  if (auto* ipv4 = reinterpret_cast<sockaddr_in*>(&storage);
      inet_pton(AF_INET, address.c_str(), &ipv4->sin_addr) == 1) {
    ipv4->sin_family = AF_INET;
    ipv4->sin_port = htons(target.port);
    length = sizeof(sockaddr_in);
  } else if (auto* ipv6 = reinterpret_cast<sockaddr_in6*>(&storage);
             inet_pton(AF_INET6, address.c_str(), &ipv6->sin6_addr) == 1) {
    ipv6->sin6_family = AF_INET6;
    ipv6->sin6_port = htons(target.port);
    length = sizeof(sockaddr_in6);
  }
  util::Fd socket_fd(::socket(storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!socket_fd.is_open()) {
    throw Error(ErrorKind::io,
                str_cat(subject_of(target), ": cannot create a socket: ", errno_message(errno)));
  }
  if (::connect(socket_fd.get(), reinterpret_cast<sockaddr*>(&storage), length) != 0
      && errno != EINPROGRESS) {
    throw Error(
        ErrorKind::check,
        str_cat(subject_of(target), ": cannot connect to ", address, ": ", errno_message(errno)));
  }
  pollfd waiting{socket_fd.get(), POLLOUT, 0};
  const int ready = ::poll(&waiting, 1, target.timeout_seconds * 1000);
  int socket_error = 0;
  socklen_t error_length = sizeof socket_error;
  ::getsockopt(socket_fd.get(), SOL_SOCKET, SO_ERROR, &socket_error, &error_length);
  if (ready <= 0 || socket_error != 0) {
    throw Error(ErrorKind::check,
                str_cat(subject_of(target),
                        ": cannot connect to ",
                        address,
                        ": ",
                        ready == 0 ? str_cat("timed out after ", target.timeout_seconds, " s")
                                   : errno_message(socket_error)));
  }
  // The handshake runs blocking, bounded by socket timeouts.
  ::fcntl(socket_fd.get(), F_SETFL, ::fcntl(socket_fd.get(), F_GETFL) & ~O_NONBLOCK);
  const timeval timeout{target.timeout_seconds, 0};
  ::setsockopt(socket_fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(socket_fd.get(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  return socket_fd;
}

} // namespace

ProbeTarget parse_probe_target(const std::string& text) {
  ProbeTarget target;
  std::string_view port_text;
  if (text.starts_with('[')) {
    const std::size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      throw Error(ErrorKind::usage, str_cat(text, ": not HOST:PORT"));
    }
    target.host = text.substr(1, close - 1);
    port_text = std::string_view(text).substr(close + 2);
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      throw Error(ErrorKind::usage, str_cat(text, ": not HOST:PORT"));
    }
    target.host = text.substr(0, colon);
    port_text = std::string_view(text).substr(colon + 1);
  }
  unsigned port = 0;
  const auto [end, error] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (error != std::errc{} || end != port_text.data() + port_text.size() || port == 0
      || port > 65535) {
    throw Error(ErrorKind::usage, str_cat(text, ": bad port"));
  }
  target.port = static_cast<std::uint16_t>(port);
  return target;
}

std::string resolve_probe_address(const ProbeTarget& target) {
  if (target.address) {
    return *target.address;
  }
  if (util::is_ip_address(target.host)) {
    return target.host;
  }
  if (const std::optional<std::string> address =
          util::lookup_hosts_file(target.hosts_file, target.host)) {
    return *address;
  }
  throw Error(ErrorKind::input,
              str_cat(target.host,
                      ": cannot resolve: not in ",
                      target.hosts_file.string(),
                      "; give the address with --resolve ",
                      target.host,
                      ":ADDRESS"));
}

std::vector<util::Certificate> fetch_server_chain(const ProbeTarget& target) {
  const std::string address = resolve_probe_address(target);
  const util::Fd socket_fd = connect_with_timeout(target, address);
  const util::TlsContext context(SSL_CTX_new(TLS_client_method()));
  if (!context) {
    throw Error(ErrorKind::io, str_cat(subject_of(target), ": TLS: ", openssl_error_message()));
  }
  // The chain is judged afterwards by verify_server_chain, against the given CA only.
  SSL_CTX_set_verify(context.get(), SSL_VERIFY_NONE, nullptr);
  const util::TlsConnection connection(SSL_new(context.get()));
  if (!connection || SSL_set_fd(connection.get(), socket_fd.get()) != 1) {
    throw Error(ErrorKind::io, str_cat(subject_of(target), ": TLS: ", openssl_error_message()));
  }
  if (!util::is_ip_address(target.host)) {
    SSL_set_tlsext_host_name(connection.get(), target.host.c_str());
  }
  if (SSL_connect(connection.get()) != 1) {
    throw Error(ErrorKind::check,
                str_cat(subject_of(target), ": TLS handshake failed: ", openssl_error_message()));
  }
  STACK_OF(X509)* peer_chain = SSL_get_peer_cert_chain(connection.get());
  std::vector<util::Certificate> chain;
  for (int i = 0; peer_chain != nullptr && i < sk_X509_num(peer_chain); ++i) {
    X509* certificate = sk_X509_value(peer_chain, i);
    X509_up_ref(certificate);
    chain.emplace_back(certificate);
  }
  SSL_shutdown(connection.get());
  if (chain.empty()) {
    throw Error(ErrorKind::check, str_cat(subject_of(target), ": the server sent no certificate"));
  }
  return chain;
}

} // namespace zbundle::pki
