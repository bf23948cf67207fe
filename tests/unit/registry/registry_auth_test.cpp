#include "core/registry/registry_auth.hpp"
#include "core/util/error.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace zbundle::registry {
namespace {

// The entry is found by the literal "host:port" key; other registries and odd entries are
// not mistaken for it.
TEST(RegistryAuth, ReadsTheRegistrysOwnEntry) {
  const test::TempDir dir;
  test::write_file(dir / "auth.json", R"({"auths": {
    "mirror.example:8443": {"auth": "dXNlcjpwYXNz"},
    "mirror.example": {"auth": "b3RoZXI6b3RoZXI="},
    "broken.example:5000": {"identitytoken": "x"}}})");
  EXPECT_EQ(read_registry_auth(dir / "auth.json", "mirror.example:8443"), "dXNlcjpwYXNz");
  EXPECT_EQ(read_registry_auth(dir / "auth.json", "mirror.example"), "b3RoZXI6b3RoZXI=");
  EXPECT_FALSE(read_registry_auth(dir / "auth.json", "broken.example:5000"));
  EXPECT_FALSE(read_registry_auth(dir / "auth.json", "unknown.example:443"));
}

TEST(RegistryAuth, RefusesAFileThatIsNoAuthFile) {
  const test::TempDir dir;
  for (const std::string_view text : {"[]", "{\"auths\": []}", "not json", "{}"}) {
    test::write_file(dir / "auth.json", text);
    try {
      (void)read_registry_auth(dir / "auth.json", "mirror.example");
      ADD_FAILURE() << "accepted " << text;
    } catch (const Error& error) {
      EXPECT_EQ(error.kind(), ErrorKind::input);
      EXPECT_NE(std::string(error.what()).find("auth.json: not a containers auth file"),
                std::string::npos)
          << error.what();
    }
  }
}

// REGISTRY_AUTH_FILE wins, as it does for podman and skopeo; a missing file is passed over.
TEST(RegistryAuth, DefaultFileFollowsTheContainersTools) {
  const test::TempDir dir;
  test::write_file(dir / "home/.docker/config.json", "{}");
  test::write_file(dir / "given.json", "{}");
  AuthFileEnvironment environment{(dir / "missing.json").string(), "", (dir / "home").string()};
  EXPECT_EQ(default_auth_file(environment), dir / "home/.docker/config.json");
  test::write_file(dir / "home/.config/containers/auth.json", "{}");
  EXPECT_EQ(default_auth_file(environment), dir / "home/.config/containers/auth.json");
  test::write_file(dir / "run/containers/auth.json", "{}");
  environment.xdg_runtime_dir = (dir / "run").string();
  EXPECT_EQ(default_auth_file(environment), dir / "run/containers/auth.json");
  environment.registry_auth_file = (dir / "given.json").string();
  EXPECT_EQ(default_auth_file(environment), dir / "given.json");
  EXPECT_EQ(default_auth_file({}), std::filesystem::path());
}

// What Quay, Harbor and distribution send: quoted parameters, several scopes in one, commas
// inside quotes; the scheme in any case.
TEST(RegistryAuth, ParsesChallenges) {
  const Challenge bearer =
      parse_challenge(R"(Bearer realm="https://quay.example/v2/auth",service="quay.example",)"
                      R"(scope="repository:a/b:pull,push repository:c/d:pull")");
  EXPECT_EQ(bearer.scheme, "bearer");
  EXPECT_EQ(bearer.parameters.at("realm"), "https://quay.example/v2/auth");
  EXPECT_EQ(bearer.parameters.at("service"), "quay.example");
  EXPECT_EQ(bearer.parameters.at("scope"), "repository:a/b:pull,push repository:c/d:pull");
  const Challenge basic = parse_challenge(R"(basic realm="a \"quoted\" realm", charset=UTF-8)");
  EXPECT_EQ(basic.scheme, "basic");
  EXPECT_EQ(basic.parameters.at("realm"), R"(a "quoted" realm)");
  EXPECT_EQ(basic.parameters.at("charset"), "UTF-8");
  EXPECT_EQ(parse_challenge("Negotiate").scheme, "negotiate");
  EXPECT_TRUE(parse_challenge("").parameters.empty());
}

} // namespace
} // namespace zbundle::registry
