#include "core/util/host_name.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <strings.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <memory>
#include <sstream>

namespace zbundle::util {
namespace {

constexpr std::size_t k_max_name_length = 253;
constexpr std::size_t k_max_label_length = 63;

bool is_label_character(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

} // namespace

bool is_dns_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > k_max_name_length) {
    return false;
  }
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t dot = std::min(name.find('.', start), name.size());
    const std::string_view label = name.substr(start, dot - start);
    if (label.empty() || label.size() > k_max_label_length || label.front() == '-'
        || label.back() == '-' || !std::all_of(label.begin(), label.end(), is_label_character)) {
      return false;
    }
    start = dot + 1;
  }
  return true;
}

bool is_ip_literal(std::string_view host) noexcept {
  return !host.empty()
         && (host.find_first_not_of("0123456789.") == std::string_view::npos
             || host.find(':') != std::string_view::npos);
}

bool is_ip_address(const std::string& text) noexcept {
  in6_addr address6{};
  in_addr address4{};
  return inet_pton(AF_INET, text.c_str(), &address4) == 1
         || inet_pton(AF_INET6, text.c_str(), &address6) == 1;
}

std::optional<std::string> lookup_hosts_file(const std::filesystem::path& file,
                                             std::string_view host) {
  const std::string wanted(host);
  std::ifstream hosts(file);
  for (std::string line; std::getline(hosts, line);) {
    line = line.substr(0, line.find('#'));
    std::istringstream fields(line);
    std::string address;
    fields >> address;
    if (!is_ip_address(address)) {
      continue;
    }
    for (std::string name; fields >> name;) {
      if (strcasecmp(name.c_str(), wanted.c_str()) == 0) {
        return address;
      }
    }
  }
  return std::nullopt;
}

std::optional<std::string> resolve_host(const std::filesystem::path& file,
                                        const std::string& host) {
  if (std::optional<std::string> listed = lookup_hosts_file(file, host)) {
    return listed;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr) {
    return std::nullopt;
  }
  const std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owned(found, &freeaddrinfo);
  std::array<char, INET6_ADDRSTRLEN> text{};
  const void* address =
      found->ai_family == AF_INET6
          ? static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(found->ai_addr)->sin6_addr)
          : static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(found->ai_addr)->sin_addr);
  if (inet_ntop(found->ai_family, address, text.data(), text.size()) == nullptr) {
    return std::nullopt;
  }
  return std::string(text.data());
}

} // namespace zbundle::util
