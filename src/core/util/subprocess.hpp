#pragma once

// Running a helper program (gpgv, a trust store's update command) without a shell: argv as
// given, found on PATH, stdin from /dev/null, stderr discarded, stdout read within a bound.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace zbundle::util {

struct ProgramRun {
  bool is_exited = false;    // false: killed by a signal (or by us, for too much output)
  int exit_status = 0;       // when exited
  std::string output;        // its stdout, at most the limit given
  bool is_cut = false;       // it wrote more than the limit and was killed
  bool is_timed_out = false; // it ran past the time limit and was killed

  [[nodiscard]] bool succeeded() const noexcept {
    return is_exited && exit_status == 0 && !is_cut && !is_timed_out;
  }
};

// Runs argv[0] (found on PATH) with `argv`, killed once it writes more than `output_limit`
// bytes or runs longer than `time_limit`. `environment` entries ("NAME=value") replace or add
// to this process's environment. Throws Error{input} "<argv[0]>: not found ..." when it cannot
// be started (or exits 127 without output, as a failed exec does where spawning forks),
// Error{io} when a pipe cannot be made.
[[nodiscard]] ProgramRun run_program(const std::vector<std::string>& argv,
                                     const std::vector<std::string>& environment,
                                     std::size_t output_limit,
                                     std::chrono::seconds time_limit);

// A private directory (mode 0700) below the system's temporary directory, removed with all it
// holds when the object goes.
class ScratchDirectory {
public:
  // Throws Error{io} naming the directory when it cannot be made.
  ScratchDirectory();
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;
  ~ScratchDirectory();
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return m_path; }

private:
  std::filesystem::path m_path;
};

} // namespace zbundle::util
