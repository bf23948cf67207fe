#include "core/pki/server_names.hpp"
#include "core/pki/server_profile.hpp"

#include <gtest/gtest.h>

namespace zbundle::pki {
namespace {

TEST(IsValidDnsName, AcceptsHostNamesAndOneLeadingWildcard) {
  EXPECT_TRUE(is_valid_dns_name("mirror.example.com"));
  EXPECT_TRUE(is_valid_dns_name("*.example.com"));
  EXPECT_TRUE(is_valid_dns_name("xn--n3h.com"));
  EXPECT_TRUE(is_valid_dns_name("localhost"));
}

TEST(IsValidDnsName, RefusesMalformedNames) {
  EXPECT_FALSE(is_valid_dns_name("a_b.example.com"));
  EXPECT_FALSE(is_valid_dns_name(".example.com"));
  EXPECT_FALSE(is_valid_dns_name("example..com"));
  EXPECT_FALSE(is_valid_dns_name("-a.example.com"));
  EXPECT_FALSE(is_valid_dns_name("*.*.example.com"));
  EXPECT_FALSE(is_valid_dns_name("f*o.example.com"));
  EXPECT_FALSE(is_valid_dns_name(""));
  EXPECT_FALSE(is_valid_dns_name(std::string(64, 'a') + ".com"));
}

TEST(CheckServerProfile, EmptyChainIsAProblem) {
  const auto problem = check_server_profile({}, std::nullopt, "");
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->reason, "empty chain");
}

} // namespace
} // namespace zbundle::pki
