#include "core/pki/system_trust.hpp"
#include "core/pki/verify_ca.hpp"
#include "test_support.hpp"

#include <ctime>

namespace zbundle::pki {
namespace {

using test::TempDir;

// apply adds the CA where the host's family keeps anchors: RHEL's ca-trust first, Debian's
// ca-certificates otherwise, and says so when there is neither.
TEST(SystemTrust, FindsTheAnchorStoreOfTheFamilyPresent) {
  const TempDir root;
  EXPECT_FALSE(find_anchor_store(root.path()).has_value());
  std::filesystem::create_directories(root / "usr/local/share/ca-certificates");
  ASSERT_TRUE(find_anchor_store(root.path()).has_value());
  EXPECT_EQ(find_anchor_store(root.path())->update_command, "update-ca-certificates");
  std::filesystem::create_directories(root / "etc/pki/ca-trust/source/anchors");
  EXPECT_EQ(find_anchor_store(root.path())->update_command, "update-ca-trust");
}

TEST(SystemTrust, FindsTheSystemBundleUnderARoot) {
  const TempDir root;
  EXPECT_FALSE(find_system_bundle(root.path()).has_value());
  test::write_file(root / "etc/ssl/ca-bundle.pem", "");
  EXPECT_EQ(find_system_bundle(root.path()), root / "etc/ssl/ca-bundle.pem");
  test::write_file(root / "etc/ssl/certs/ca-certificates.crt", "");
  EXPECT_EQ(find_system_bundle(root.path()), root / "etc/ssl/certs/ca-certificates.crt");
}

TEST(VerifyCa, WantsExactlyOneChain) {
  const TempDir dir;
  test::write_file(dir / "ca.pem", test::self_signed_pem("Mirror CA"));
  VerifyCaRequest request;
  request.ca = dir / "ca.pem";
  EXPECT_ZB_ERROR(verify_ca(request), ErrorKind::usage, "either a certificate file or --probe");
  request.certificate = dir / "ca.pem";
  request.probe = ProbeTarget{"mirror.example", 443, std::nullopt, 1, "/etc/hosts"};
  EXPECT_ZB_ERROR(verify_ca(request), ErrorKind::usage, "either a certificate file or --probe");
}

// A chain that is not trusted is an answer with its reason, named by the file it came from,
// with the CA bundle's own check alongside.
TEST(VerifyCa, AnUntrustedChainIsAnAnswer) {
  const TempDir dir;
  test::write_file(dir / "ca.pem", test::self_signed_pem("Mirror CA"));
  test::write_file(dir / "other.pem", test::self_signed_pem("Someone else"));
  VerifyCaRequest request;
  request.ca = dir / "ca.pem";
  request.certificate = dir / "other.pem";
  request.verify.at = std::time(nullptr);
  const VerifyCaResult result = verify_ca(request);
  EXPECT_FALSE(result.verification.is_trusted);
  EXPECT_FALSE(result.verification.reason.empty());
  EXPECT_EQ(result.subject, (dir / "other.pem").string());
  ASSERT_EQ(result.bundle.size(), 1U);
  EXPECT_NE(result.bundle.front().info.subject.find("Mirror CA"), std::string::npos);
}

TEST(VerifyCa, NamesAnUnreadableCaBundle) {
  const TempDir dir;
  VerifyCaRequest request;
  request.ca = dir / "missing.pem";
  request.certificate = dir / "missing.pem";
  EXPECT_ZB_ERROR(verify_ca(request), ErrorKind::input, "missing.pem");
}

} // namespace
} // namespace zbundle::pki
