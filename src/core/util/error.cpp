#include "core/util/error.hpp"

#include <cstring>

namespace zbundle {

int exit_code_for(ErrorKind kind) noexcept {
  return kind == ErrorKind::check ? 1 : 2;
}

std::string errno_message(int error_number) {
  // strerror_r (GNU) may return a static string instead of filling the buffer.
  char buffer[256] = {};
  return ::strerror_r(error_number, buffer, sizeof buffer);
}

} // namespace zbundle
