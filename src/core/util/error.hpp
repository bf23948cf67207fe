#pragma once

// The one error type of zbundle. Messages read `<subject>: <what failed>: <why>`,
// lower case, naming the file, entry or certificate first (docs/style.md section 2).

#include <stdexcept>
#include <string>

namespace zbundle {

// What kind of failure; the CLIs map it to an exit code (docs/design.md, "Errors and exit codes").
enum class ErrorKind {
  usage, // the command line is wrong
  input, // an input a command cannot use: missing, unreadable, malformed
  io,    // reading or writing failed while working
  check, // a check ran and the answer is no
};

class Error : public std::runtime_error {
public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), m_kind(kind) {}
  [[nodiscard]] ErrorKind kind() const noexcept { return m_kind; }

private:
  ErrorKind m_kind;
};

// Exit status for an error kind: 1 for a failed check, 2 for everything else.
[[nodiscard]] int exit_code_for(ErrorKind kind) noexcept;

// Message for the current errno, e.g. "No such file or directory".
[[nodiscard]] std::string errno_message(int error_number);

} // namespace zbundle
