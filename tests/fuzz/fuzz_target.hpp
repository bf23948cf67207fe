#pragma once

// What every fuzz target shares: the input as text, and the rule that a parser given bytes a
// stranger controls either returns or throws zbundle::Error. Any other exception escapes and
// is a finding (libFuzzer reports it as a crash), as is every sanitizer report.

#include "core/util/error.hpp"

#include <stdlib.h> // mkdtemp

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace zbundle::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Files a reader opens by name, in a private scratch directory made once per process and
// removed with it. Regular files, not /proc/self/fd links: the readers open with O_NOFOLLOW
// and would refuse every input at the first step (which is what the bundle targets did until
// 2026-12-03, unnoticed: ZB_FUZZ_MUST_ACCEPT below now catches a harness that feeds nothing).
class ScratchDirectory {
public:
  ScratchDirectory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "zb-fuzz-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::abort(); // the harness, not the reader, failed
    }
    m_path = pattern;
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;
  ~ScratchDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
  }
  const std::filesystem::path& path() const { return m_path; }
  // Empties the directory and leaves `bytes` in it as `name`; returns the file's path.
  std::filesystem::path hold(std::string_view name, std::string_view bytes) {
    for (const auto& entry : std::filesystem::directory_iterator(m_path)) {
      std::filesystem::remove_all(entry.path());
    }
    const std::filesystem::path file = m_path / name;
    std::ofstream out(file, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush()) {
      std::abort();
    }
    return file;
  }

private:
  std::filesystem::path m_path;
};

// The input as one file, rewritten for each run.
class InputFile {
public:
  std::filesystem::path hold(const std::uint8_t* data, std::size_t size) {
    return m_directory.hold("input", as_text(data, size));
  }

private:
  ScratchDirectory m_directory;
};

// With ZB_FUZZ_MUST_ACCEPT set (the seeded replays), a refusal is fatal: proof that a harness
// brings a sound input all the way through the reader rather than stopping it at the door.
inline bool must_accept() {
  static const bool set = std::getenv("ZB_FUZZ_MUST_ACCEPT") != nullptr;
  return set;
}

[[noreturn]] inline void refused_sound_input(std::string_view why) {
  std::fprintf(stderr,
               "ZB_FUZZ_MUST_ACCEPT: a sound input was refused: %.*s\n",
               static_cast<int>(why.size()),
               why.data());
  std::abort();
}

template <class Parse> int refuse_or_accept(const Parse& parse) {
  try {
    parse();
  } catch (const Error& error) { // refusing bad input is the parser's job
    if (must_accept()) {
      refused_sound_input(error.what());
    }
  }
  return 0;
}

} // namespace zbundle::fuzz
