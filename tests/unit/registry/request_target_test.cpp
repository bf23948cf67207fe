#include "core/registry/request_target.hpp"

#include <gtest/gtest.h>

#include <string>

namespace zbundle::registry {
namespace {

TEST(RequestTarget, TakesThePathAndQueryOfAnAbsoluteOrRelativeUrl) {
  EXPECT_EQ(request_target("https://mirror.example:8443/v2/a/blobs/uploads/1?_state=x"),
            "/v2/a/blobs/uploads/1?_state=x");
  EXPECT_EQ(request_target("/v2/a/blobs/uploads/1"), "/v2/a/blobs/uploads/1");
  EXPECT_EQ(request_target("https://mirror.example"), "/");
}

// What a registry's Location header could carry to end the request line early, smuggle a
// second request or climb into another path is refused; ordinary upload targets are not.
TEST(RequestTarget, RefusesWhatCouldSplitOrClimbTheRequestLine) {
  for (const std::string target : {"/v2/ns/app/blobs/uploads/4f1c?_state=abc%3D&digest=sha256:0a",
                                   "/v2/ns/app/manifests/sha256:0a",
                                   "/v2/",
                                   "/v2/a/b..c/x"}) {
    EXPECT_EQ(request_target_problem(target), "") << target;
  }
  EXPECT_EQ(request_target_problem("v2/relative"), "not an absolute path");
  for (const std::string& target : std::initializer_list<std::string>{"/v2/a b",
                                                                      "/v2/a\r\nHost: other",
                                                                      std::string("/v2/a\0b", 7),
                                                                      "/v2/\x7f",
                                                                      "/v2/caf\xc3\xa9"}) {
    EXPECT_EQ(request_target_problem(target),
              "holds a space, a control character or a byte outside ASCII")
        << target;
  }
  for (const std::string target : {"/v2/a/../admin",
                                   "/v2/./a",
                                   "/v2/a/..",
                                   "/v2/%2e%2e/x",
                                   "/v2/%2E%2E/x",
                                   "/v2/%2e/x",
                                   "/v2/a%2e%2eb/x",
                                   "/v2/../x?y=1"}) {
    EXPECT_EQ(request_target_problem(target), "holds a dot segment") << target;
  }
  EXPECT_EQ(request_target_problem("/v2/a?next=/../x"), "") << "the query is not a path";
}

} // namespace
} // namespace zbundle::registry
