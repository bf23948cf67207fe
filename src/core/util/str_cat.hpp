#pragma once

// GCC 12 has no <format>: messages are built by concatenating their parts.

#include <concepts>
#include <string>
#include <string_view>

namespace zbundle::util {

namespace detail {
inline void append_part(std::string& out, std::string_view part) {
  out.append(part);
}
inline void append_part(std::string& out, char part) {
  out.push_back(part);
}
template <std::integral T>
requires(!std::same_as<T, char> && !std::same_as<T, bool>) void append_part(std::string& out,
                                                                            T part) {
  out.append(std::to_string(part));
}
} // namespace detail

// Concatenates strings, characters and integers into one string.
template <class... Parts> [[nodiscard]] std::string str_cat(const Parts&... parts) {
  std::string out;
  (detail::append_part(out, parts), ...);
  return out;
}

} // namespace zbundle::util
