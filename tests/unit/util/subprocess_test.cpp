#include "core/util/error.hpp"
#include "core/util/subprocess.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace zbundle::util {
namespace {

TEST(Subprocess, ReadsTheOutputAndTheExitStatus) {
  const ProgramRun run = run_program({"sh", "-c", "printf hello; exit 3"}, {}, 64);
  EXPECT_TRUE(run.is_exited);
  EXPECT_EQ(run.exit_status, 3);
  EXPECT_EQ(run.output, "hello");
  EXPECT_FALSE(run.succeeded());
}

TEST(Subprocess, PassesArgumentsWithoutAShellAndOverridesTheEnvironment) {
  const ProgramRun run =
      run_program({"sh", "-c", "printf '%s|%s' \"$1\" \"$ZB_TEST_VALUE\"", "sh", "a b;$(x)"},
                  {"ZB_TEST_VALUE=set here", "HOME=/nonexistent"},
                  1024);
  EXPECT_TRUE(run.succeeded());
  EXPECT_EQ(run.output, "a b;$(x)|set here");
}

TEST(Subprocess, KillsAProgramThatWritesMoreThanTheLimit) {
  const ProgramRun run = run_program({"yes"}, {}, 100000);
  EXPECT_TRUE(run.is_cut);
  EXPECT_FALSE(run.succeeded());
  EXPECT_LE(run.output.size(), 100000U);
}

TEST(Subprocess, StdinIsEmpty) {
  const ProgramRun run = run_program({"cat"}, {}, 64);
  EXPECT_TRUE(run.succeeded());
  EXPECT_EQ(run.output, "");
}

TEST(Subprocess, AMissingProgramIsAnInputError) {
  try {
    (void)run_program({"zbundle-no-such-program"}, {}, 64);
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
