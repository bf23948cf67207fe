#include "core/util/base64.hpp"
#include "test_support.hpp"

namespace zbundle::util {
namespace {

TEST(Base64, DecodesPaddedTextAndNothingElse) {
  EXPECT_EQ(decode_base64("dXNlcjpwYXNz", 64), "user:pass");
  EXPECT_EQ(decode_base64("YQ==", 64), "a");
  EXPECT_EQ(decode_base64("YWI=", 64), "ab");
  EXPECT_EQ(decode_base64("", 64), "");
  EXPECT_EQ(decode_base64("YQ", 64), std::nullopt);          // unpadded
  EXPECT_EQ(decode_base64("Y!==", 64), std::nullopt);        // outside the alphabet
  EXPECT_EQ(decode_base64("dXNlcjpwYXNz", 8), std::nullopt); // over the limit
}

} // namespace
} // namespace zbundle::util
