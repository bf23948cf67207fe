#include "core/util/error.hpp"
#include "core/util/subprocess.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

namespace zbundle::util {
namespace {

constexpr std::chrono::seconds k_limit{30};

TEST(Subprocess, ReadsTheOutputAndTheExitStatus) {
  const ProgramRun run = run_program({"sh", "-c", "printf hello; exit 3"}, {}, 64, k_limit);
  EXPECT_TRUE(run.is_exited);
  EXPECT_EQ(run.exit_status, 3);
  EXPECT_EQ(run.output, "hello");
  EXPECT_FALSE(run.succeeded());
}

TEST(Subprocess, PassesArgumentsWithoutAShellAndOverridesTheEnvironment) {
  const ProgramRun run =
      run_program({"sh", "-c", "printf '%s|%s' \"$1\" \"$ZB_TEST_VALUE\"", "sh", "a b;$(x)"},
                  {"ZB_TEST_VALUE=set here", "HOME=/nonexistent"},
                  1024,
                  k_limit);
  EXPECT_TRUE(run.succeeded());
  EXPECT_EQ(run.output, "a b;$(x)|set here");
}

TEST(Subprocess, KillsAProgramThatWritesMoreThanTheLimit) {
  const ProgramRun run = run_program({"yes"}, {}, 100000, k_limit);
  EXPECT_TRUE(run.is_cut);
  EXPECT_FALSE(run.succeeded());
  EXPECT_LE(run.output.size(), 100000U);
}

TEST(Subprocess, KillsAProgramThatRunsPastTheTimeLimit) {
  const auto start = std::chrono::steady_clock::now();
  const ProgramRun silent = run_program({"sleep", "30"}, {}, 64, std::chrono::seconds(1));
  EXPECT_TRUE(silent.is_timed_out);
  EXPECT_FALSE(silent.succeeded());
  // closing its output does not end the wait for it
  const ProgramRun closed =
      run_program({"sh", "-c", "exec >&-; sleep 30"}, {}, 64, std::chrono::seconds(1));
  EXPECT_TRUE(closed.is_timed_out);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

TEST(Subprocess, StdinIsEmpty) {
  const ProgramRun run = run_program({"cat"}, {}, 64, k_limit);
  EXPECT_TRUE(run.succeeded());
  EXPECT_EQ(run.output, "");
}

TEST(Subprocess, AMissingProgramIsAnInputError) {
  try {
    (void)run_program({"zbundle-no-such-program"}, {}, 64, k_limit);
    FAIL() << "a missing program ran";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::input);
    EXPECT_NE(std::string(error.what()).find("zbundle-no-such-program: not found"),
              std::string::npos);
  }
}

TEST(Subprocess, AScratchDirectoryIsPrivateAndGoesWithEverythingInIt) {
  std::filesystem::path kept;
  {
    const ScratchDirectory scratch;
    kept = scratch.path();
    EXPECT_EQ(std::filesystem::status(kept).permissions(), std::filesystem::perms::owner_all);
    std::filesystem::create_directories(kept / "a" / "b");
  }
  EXPECT_FALSE(std::filesystem::exists(kept));
}

} // namespace
} // namespace zbundle::util
