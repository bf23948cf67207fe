#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace zbundle::util {

// Lower-case hex of `bytes`, two characters per byte.
[[nodiscard]] inline std::string to_hex(std::span<const unsigned char> bytes) {
  constexpr std::string_view k_hex = "0123456789abcdef";
  std::string text;
  text.reserve(bytes.size() * 2);
  for (const unsigned char byte : bytes) {
    text += k_hex[byte >> 4];
    text += k_hex[byte & 0xf];
  }
  return text;
}

// True for exactly `length` lower-case hex characters.
[[nodiscard]] inline bool is_lower_hex(std::string_view text, std::size_t length) noexcept {
  return text.size() == length
         && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

} // namespace zbundle::util
