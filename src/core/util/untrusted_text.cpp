#include "core/util/untrusted_text.hpp"

#include <algorithm>

namespace zbundle::util {
namespace {

constexpr std::size_t k_quote_limit = 200;
constexpr unsigned char k_delete = 0x7f;
constexpr unsigned char k_space = 0x20;

bool is_control(char c) noexcept {
  const auto byte = static_cast<unsigned char>(c);
  return byte < k_space || byte == k_delete;
}

} // namespace

bool has_control_character(std::string_view text, std::string_view allowed) noexcept {
  return std::any_of(text.begin(), text.end(), [allowed](char c) {
    return is_control(c) && allowed.find(c) == std::string_view::npos;
  });
}

std::string printable(std::string_view text) {
  constexpr std::string_view k_hex = "0123456789abcdef";
  std::string out;
  for (const char c : text.substr(0, k_quote_limit)) {
    if (is_control(c)) {
      const auto byte = static_cast<unsigned char>(c);
      out += "\\x";
      out += k_hex[byte >> 4U];
      out += k_hex[byte & 0xfU];
    } else {
      out += c;
    }
  }
  if (text.size() > k_quote_limit) {
    out += "...";
  }
  return out;
}

} // namespace zbundle::util
