#include "core/util/error.hpp"

#include <array>
#include <cstring>

namespace zbundle {

int exit_code_for(ErrorKind kind) noexcept {
  return kind == ErrorKind::check ? 1 : 2;
}

std::string errno_message(int error_number) {
  // strerror_r (GNU) may return a static string instead of filling the buffer.
  std::array<char, 256> buffer{};
  return ::strerror_r(error_number, buffer.data(), buffer.size());
}

} // namespace zbundle
