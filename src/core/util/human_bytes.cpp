#include "core/util/human_bytes.hpp"

#include "core/util/str_cat.hpp"

#include <array>
#include <charconv>
#include <string_view>

namespace zbundle::util {

std::string human_bytes(std::uint64_t bytes) {
  constexpr std::array k_units{"B", "KiB", "MiB", "GiB", "TiB"};
  auto value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < k_units.size()) {
    value /= 1024.0;
    ++unit;
  }
  std::array<char, 32> text{};
  const auto result = std::to_chars(
      text.data(), text.data() + text.size(), value, std::chars_format::fixed, unit == 0 ? 0 : 1);
  return str_cat(std::string_view(text.data(), static_cast<std::size_t>(result.ptr - text.data())),
                 " ",
                 k_units[unit]);
}

} // namespace zbundle::util
