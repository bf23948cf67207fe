#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <gtest/gtest.h>

#include <cerrno>

namespace zbundle {

TEST(Error, MapsKindsToExitCodes) {
  EXPECT_EQ(exit_code_for(ErrorKind::check), 1);
  EXPECT_EQ(exit_code_for(ErrorKind::usage), 2);
  EXPECT_EQ(exit_code_for(ErrorKind::input), 2);
  EXPECT_EQ(exit_code_for(ErrorKind::io), 2);
}

TEST(Error, KeepsKindAndMessage) {
  const Error error(ErrorKind::check, "a.tar: digest mismatch: expected x");
  EXPECT_EQ(error.kind(), ErrorKind::check);
  EXPECT_STREQ(error.what(), "a.tar: digest mismatch: expected x");
}

TEST(Error, DescribesErrno) {
  EXPECT_EQ(errno_message(ENOENT), "No such file or directory");
}

TEST(StrCat, JoinsStringsCharactersAndNumbers) {
  EXPECT_EQ(
      util::str_cat("a", std::string("b"), std::string_view("c"), '-', 42, ":", std::uint64_t{7}),
      "abc-42:7");
}

} // namespace zbundle
