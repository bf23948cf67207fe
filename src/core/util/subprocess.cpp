#include "core/util/subprocess.hpp"

#include "core/util/error.hpp"
#include "core/util/fd.hpp"
#include "core/util/str_cat.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <string_view>
#include <thread>

extern char** environ; // NOLINT(readability-redundant-declaration): POSIX leaves it undeclared

namespace zbundle::util {
namespace {

// This process's environment with `overrides` ("NAME=value") put in place of their names.
std::vector<std::string> merged_environment(const std::vector<std::string>& overrides) {
  std::vector<std::string> merged;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const std::string_view name = text.substr(0, text.find('=') + 1);
    const bool is_replaced = std::any_of(overrides.begin(),
                                         overrides.end(),
                                         [&](const std::string& o) { return o.starts_with(name); });
    if (!is_replaced) {
      merged.emplace_back(text);
    }
  }
  merged.insert(merged.end(), overrides.begin(), overrides.end());
  return merged;
}

// A NULL-terminated array of pointers into `strings`, for posix_spawn.
std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (std::string& text : strings) {
    pointers.push_back(text.data());
  }
  pointers.push_back(nullptr);
  return pointers;
}

struct FileActions {
  posix_spawn_file_actions_t actions{};
  FileActions() { ::posix_spawn_file_actions_init(&actions); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
  ~FileActions() { ::posix_spawn_file_actions_destroy(&actions); }
};

// Waits until `fd` can be read (or is closed) or `deadline` passes; false for the latter.
bool wait_readable(int fd, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return false;
    }
    pollfd watched{fd, POLLIN, 0};
    const int ready =
        ::poll(&watched, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (ready > 0) {
      return true;
    }
    if (ready < 0 && errno != EINTR) {
      throw Error(ErrorKind::io, str_cat("waiting for a helper program: ", errno_message(errno)));
    }
  }
}

// The child's status once it exits; killed when it is still running at `deadline`.
int wait_until(pid_t pid, std::chrono::steady_clock::time_point deadline, ProgramRun& run) {
  constexpr auto k_step = std::chrono::milliseconds(10);
  int status = 0;
  for (;;) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid || (done < 0 && errno != EINTR)) {
      return status;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      run.is_timed_out = run.is_timed_out || !run.is_cut;
      ::kill(pid, SIGKILL);
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      return status;
    }
    std::this_thread::sleep_for(k_step);
  }
}

} // namespace

ProgramRun run_program(const std::vector<std::string>& argv,
                       const std::vector<std::string>& environment,
                       std::size_t output_limit,
                       std::chrono::seconds time_limit) {
  std::array<int, 2> pipe_ends{-1, -1};
  if (::pipe2(pipe_ends.data(), O_CLOEXEC) != 0) {
    throw Error(ErrorKind::io, str_cat(argv.at(0), ": cannot make a pipe: ", errno_message(errno)));
  }
  Fd read_end(pipe_ends[0]);
  Fd write_end(pipe_ends[1]);
  FileActions files;
  ::posix_spawn_file_actions_addopen(&files.actions, 0, "/dev/null", O_RDONLY, 0);
  ::posix_spawn_file_actions_adddup2(&files.actions, write_end.get(), 1);
  ::posix_spawn_file_actions_addopen(&files.actions, 2, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> arguments = argv;
  std::vector<std::string> variables = merged_environment(environment);
  std::vector<char*> argument_pointers = c_strings(arguments);
  std::vector<char*> variable_pointers = c_strings(variables);
  pid_t pid = 0;
  if (const int failure = ::posix_spawnp(&pid,
                                         arguments.at(0).c_str(),
                                         &files.actions,
                                         nullptr,
                                         argument_pointers.data(),
                                         variable_pointers.data());
      failure != 0) {
    throw Error(ErrorKind::input,
                str_cat(argv.at(0), ": not found or cannot run: ", errno_message(failure)));
  }
  write_end = Fd();
  ProgramRun run;
  std::array<char, 8192> buffer{};
  const auto deadline = std::chrono::steady_clock::now() + time_limit;
  for (;;) {
    if (!wait_readable(read_end.get(), deadline)) {
      run.is_timed_out = true;
      break;
    }
    const ssize_t got = ::read(read_end.get(), buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got <= 0) {
      break;
    }
    if (run.output.size() + static_cast<std::size_t>(got) > output_limit) {
      run.is_cut = true; // a helper that floods its output is not waited for to the end
      break;
    }
    run.output.append(buffer.data(), static_cast<std::size_t>(got));
  }
  const int status = wait_until(
      pid, run.is_cut || run.is_timed_out ? std::chrono::steady_clock::now() : deadline, run);
  run.is_exited = WIFEXITED(status);
  run.exit_status = run.is_exited ? WEXITSTATUS(status) : 0;
  // Where posix_spawnp forks instead of cloning (qemu-user emulates it so), a failed exec is
  // the child's exit status 127, as a shell reports a command it cannot find.
  constexpr int k_exec_failed = 127;
  if (run.is_exited && run.exit_status == k_exec_failed && run.output.empty()) {
    throw Error(ErrorKind::input, str_cat(argv.at(0), ": not found or cannot run"));
  }
  return run;
}

ScratchDirectory::ScratchDirectory() {
  std::string pattern = (std::filesystem::temp_directory_path() / "zbundle.XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) { // mode 0700
    throw Error(ErrorKind::io,
                str_cat(pattern, ": cannot make a directory: ", errno_message(errno)));
  }
  m_path = pattern;
}

ScratchDirectory::~ScratchDirectory() {
  std::error_code ignored;
  std::filesystem::remove_all(m_path, ignored);
}

} // namespace zbundle::util
