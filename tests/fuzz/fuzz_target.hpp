#pragma once

// What every fuzz target shares: the input as text, and the rule that a parser given bytes a
// stranger controls either returns or throws zbundle::Error. Any other exception escapes and
// is a finding (libFuzzer reports it as a crash), as is every sanitizer report.

#include "core/util/error.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

namespace zbundle::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The input as a file a reader can open by name (a memfd), rewritten for each run.
class InputFile {
public:
  InputFile() : m_fd(::memfd_create("fuzz-input", MFD_CLOEXEC)) {}
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  ~InputFile() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }
  std::filesystem::path hold(const std::uint8_t* data, std::size_t size) {
    if (m_fd < 0 || ::ftruncate(m_fd, 0) != 0
        || ::pwrite(m_fd, data, size, 0) != static_cast<ssize_t>(size)) {
      std::abort(); // the harness, not the reader, failed
    }
    return "/proc/self/fd/" + std::to_string(m_fd);
  }

private:
  int m_fd;
};

template <class Parse> int refuse_or_accept(const Parse& parse) {
  try {
    parse();
  } catch (const Error&) { // refusing bad input is the parser's job
  }
  return 0;
}

} // namespace zbundle::fuzz
