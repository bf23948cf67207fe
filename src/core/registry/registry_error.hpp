#pragma once

// How a registry call failed, which decides what push does next.

#include "core/util/error.hpp"

#include <string>

namespace zbundle::registry {

enum class Failure {
  transient, // a 5xx answer or a broken connection: the same call may succeed later
  refused,   // this request was refused (denied, unknown or invalid name): others may work
  fatal,     // nothing will work: the certificate is not trusted, the credentials are wrong
};

class RegistryError : public Error {
public:
  RegistryError(const std::string& message, Failure failure)
      : Error(ErrorKind::check, message), m_failure(failure) {}
  [[nodiscard]] Failure failure() const noexcept { return m_failure; }

private:
  Failure m_failure;
};

} // namespace zbundle::registry
