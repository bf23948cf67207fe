#include "core/pki/tls_probe.hpp"
#include "test_support.hpp"

namespace zbundle::pki {
namespace {

TEST(ParseProbeTarget, HostAndPort) {
  const ProbeTarget target = parse_probe_target("mirror.example:8443");
  EXPECT_EQ(target.host, "mirror.example");
  EXPECT_EQ(target.port, 8443);
  const ProbeTarget ipv6 = parse_probe_target("[fd00::1]:5000");
  EXPECT_EQ(ipv6.host, "fd00::1");
  EXPECT_EQ(ipv6.port, 5000);
  EXPECT_ZB_ERROR(static_cast<void>(parse_probe_target("mirror.example")),
                  ErrorKind::usage,
                  "mirror.example: not HOST:PORT");
  EXPECT_ZB_ERROR(
      static_cast<void>(parse_probe_target("mirror.example:99999")), ErrorKind::usage, "bad port");
  EXPECT_ZB_ERROR(
      static_cast<void>(parse_probe_target("[fd00::1]5000")), ErrorKind::usage, "not HOST:PORT");
}

TEST(ResolveProbeAddress, LiteralsResolveAndHostsFileWithoutNss) {
  const test::TempDir dir;
  test::write_file(dir / "hosts",
                   "# comment\n127.0.0.1 localhost\n10.1.2.3  registry.lab mirror.lab # the "
                   "mirror\nbogus mirror.bad\n");
  ProbeTarget target = parse_probe_target("MIRROR.lab:443");
  target.hosts_file = dir / "hosts";
  EXPECT_EQ(resolve_probe_address(target), "10.1.2.3");
  target.address = "192.0.2.7";
  EXPECT_EQ(resolve_probe_address(target), "192.0.2.7");
  ProbeTarget literal = parse_probe_target("[fd00::1]:443");
  EXPECT_EQ(resolve_probe_address(literal), "fd00::1");
  ProbeTarget unknown = parse_probe_target("mirror.bad:443");
  unknown.hosts_file = dir / "hosts";
  EXPECT_ZB_ERROR(static_cast<void>(resolve_probe_address(unknown)),
                  ErrorKind::input,
                  "mirror.bad: cannot resolve");
}

} // namespace
} // namespace zbundle::pki
