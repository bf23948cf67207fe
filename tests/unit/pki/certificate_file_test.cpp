#include "core/pki/certificate_file.hpp"
#include "test_support.hpp"

namespace zbundle::pki {
namespace {

TEST(ParseTime, ReadsRfc3339AndEpoch) {
  EXPECT_EQ(parse_time("2024-01-01T00:00:00Z"), 1704067200);
  EXPECT_EQ(parse_time("2024-01-01T00:00:00+00:00"), 1704067200);
  EXPECT_EQ(parse_time("2024-01-01T02:00:00+02:00"), 1704067200);
  EXPECT_EQ(parse_time("2023-12-31T19:00:00-05:00"), 1704067200);
  // Certificate times have whole seconds: fractions are dropped (x509-limbo notafter-fractional).
  EXPECT_EQ(parse_time("2024-04-01T00:00:00.005Z"), 1711929600);
  EXPECT_EQ(parse_time("1704067200"), 1704067200);
  EXPECT_EQ(parse_time("@1704067200"), 1704067200);
}

TEST(ParseTime, RefusesOtherText) {
  EXPECT_ZB_ERROR(
      static_cast<void>(parse_time("yesterday")), ErrorKind::usage, "yesterday: not a time");
  EXPECT_ZB_ERROR(static_cast<void>(parse_time("2024-01-01")), ErrorKind::usage, "not a time");
  EXPECT_ZB_ERROR(static_cast<void>(parse_time("")), ErrorKind::usage, "not a time");
}

TEST(FormatTime, IsRfc3339Utc) {
  EXPECT_EQ(format_time(1704067200), "2024-01-01T00:00:00Z");
}

TEST(LoadCertificates, NamesTheFileAndTheBlock) {
  const test::TempDir dir;
  test::write_file(dir / "none.pem", "hello\n");
  EXPECT_ZB_ERROR(static_cast<void>(load_certificates(dir / "none.pem")),
                  ErrorKind::input,
                  "none.pem: no certificate in it");
  test::write_file(dir / "bad.pem",
                   "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n");
  EXPECT_ZB_ERROR(static_cast<void>(load_certificates(dir / "bad.pem")),
                  ErrorKind::input,
                  "bad.pem: certificate 1: does not parse");
  EXPECT_ZB_ERROR(
      static_cast<void>(load_crls(dir / "none.pem")), ErrorKind::input, "none.pem: no CRL in it");
}

} // namespace
} // namespace zbundle::pki
