#include "core/ics/mirror_name.hpp"

#include "core/util/error.hpp"
#include "core/util/host_name.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/untrusted_text.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace zbundle::ics {
namespace {

using util::str_cat;

[[noreturn]] void fail(std::string_view text, std::string_view why) {
  throw Error(ErrorKind::usage,
              str_cat(util::printable(text), ": not a mirror registry name: ", why));
}

bool is_alnum(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_ipv4(std::string_view text) {
  in_addr address{};
  return ::inet_pton(AF_INET, std::string(text).c_str(), &address) == 1;
}

bool is_ipv6(std::string_view text) {
  in6_addr address{};
  return ::inet_pton(AF_INET6, std::string(text).c_str(), &address) == 1;
}

// Namespace components follow the distribution grammar: [a-z0-9]+ joined by '.', '_' or '-'.
bool is_namespace_component(std::string_view component) noexcept {
  if (component.empty() || !is_alnum(component.front()) || !is_alnum(component.back())) {
    return false;
  }
  return std::all_of(component.begin(), component.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

std::string_view
split_host_port(std::string_view text, std::string_view authority, MirrorName& out) {
  std::string_view port_text;
  if (authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      fail(text, "unclosed '[' in IPv6 address");
    }
    if (!is_ipv6(authority.substr(1, close - 1))) {
      fail(text, str_cat("'", authority.substr(0, close + 1), "' is not an IPv6 address"));
    }
    out.host = authority.substr(0, close + 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') {
      fail(text, "unexpected text after the IPv6 address");
    }
    port_text = after.empty() ? after : after.substr(1);
    if (!after.empty() && port_text.empty()) {
      fail(text, "empty port");
    }
  } else {
    const std::size_t colon = authority.find(':');
    out.host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) {
        fail(text, "empty port");
      }
    }
    if (!is_ipv4(out.host) && !util::is_dns_name(out.host)) {
      fail(text, str_cat("'", out.host, "' is not a DNS name or IP address"));
    }
  }
  return port_text;
}

} // namespace

std::string MirrorName::registry() const {
  return port ? str_cat(host, ":", static_cast<unsigned>(*port)) : host;
}

std::string MirrorName::location() const {
  return name_space.empty() ? registry() : str_cat(registry(), "/", name_space);
}

std::string MirrorName::configmap_key() const {
  if (host.front() == '[') {
    throw Error(ErrorKind::input,
                str_cat(host,
                        ": cannot be a ConfigMap key: IPv6 addresses have no key form, "
                        "use a DNS name for the mirror registry"));
  }
  return port ? str_cat(host, "..", static_cast<unsigned>(*port)) : host;
}

std::string MirrorName::certs_d_directory() const {
  return registry();
}

std::string MirrorName::auth_file_key() const {
  return registry();
}

MirrorName parse_mirror_name(std::string_view text) {
  std::string_view rest = text;
  if (rest.find("://") != std::string_view::npos) {
    fail(text, "give HOST[:PORT][/NAMESPACE] without a scheme");
  }
  if (rest.empty()) {
    fail(text, "empty");
  }
  MirrorName name;
  const std::size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  if (authority.empty()) {
    fail(text, "no host");
  }
  const std::string_view port_text = split_host_port(text, authority, name);
  if (!port_text.empty()) {
    unsigned value = 0;
    const auto [end, error] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (error != std::errc{} || end != port_text.data() + port_text.size() || value == 0
        || value > 65535) {
      fail(text, str_cat("bad port '", port_text, "'"));
    }
    name.port = static_cast<std::uint16_t>(value);
  }
  if (slash != std::string_view::npos) {
    std::string_view path = rest.substr(slash + 1);
    while (!path.empty() && path.back() == '/') {
      path.remove_suffix(1);
    }
    std::size_t start = 0;
    while (start < path.size()) {
      const std::size_t next = std::min(path.find('/', start), path.size());
      const std::string_view component = path.substr(start, next - start);
      if (!is_namespace_component(component)) {
        fail(text, str_cat("bad namespace component '", component, "'"));
      }
      start = next + 1;
    }
    name.name_space = path;
  }
  return name;
}

std::string rewrite_mirror_location(std::string_view location, const MirrorName& mirror) {
  const std::size_t slash = location.find('/');
  if (slash == std::string_view::npos) {
    return mirror.location();
  }
  return str_cat(mirror.location(), location.substr(slash));
}

std::string limit_nested_paths(std::string_view path, unsigned max_nested_paths) {
  if (max_nested_paths == 0) {
    return std::string(path);
  }
  std::string limited;
  unsigned component = 1;
  for (const char c : path) {
    const bool separator = c == '/';
    if (separator && component++ >= max_nested_paths) {
      limited += '-';
    } else {
      limited += c;
    }
  }
  return limited;
}

std::string limit_reference_nested_paths(std::string_view reference, unsigned max_nested_paths) {
  const std::size_t slash = reference.find('/');
  if (max_nested_paths == 0 || slash == std::string_view::npos) {
    return std::string(reference);
  }
  std::string_view path = reference.substr(slash + 1);
  std::size_t end = path.find('@');
  if (end == std::string_view::npos) {
    const std::size_t colon = path.rfind(':');
    end = colon != std::string_view::npos && path.find('/', colon) == std::string_view::npos
              ? colon
              : std::string_view::npos;
  }
  const std::string_view repository = path.substr(0, end);
  const std::string_view suffix = end == std::string_view::npos ? "" : path.substr(end);
  return str_cat(
      reference.substr(0, slash + 1), limit_nested_paths(repository, max_nested_paths), suffix);
}

} // namespace zbundle::ics
