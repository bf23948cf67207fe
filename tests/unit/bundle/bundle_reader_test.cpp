#include "core/bundle/bundle_reader.hpp"
#include "core/bundle/tar_frame_writer.hpp"
#include "core/bundle/volume_writer.hpp"
#include "core/pki/signing_key.hpp"
#include "test_support.hpp"

#include <vector>

namespace zbundle::bundle {
namespace {

using test::TempDir;

// R1: a manifest member larger than 64 MiB is refused from its header, before its bytes are
// read (it is mostly zeros, so the bundle itself stays small).
TEST(BundleReader, RefusesOversizedManifest) {
  const TempDir dir;
  (void)pki::generate_signing_key((dir / "key").string(), pki::KeyType::ed25519, "");
  {
    VolumeWriter out(dir / "big.zb");
    TarFrameWriter tar(out, 0, 0);
    const std::uint64_t size = (std::uint64_t{64} << 20) + 1;
    (void)tar.begin_member("ZBUNDLE/manifest.json", size, 1);
    const std::vector<std::byte> zeros(std::size_t{1} << 20);
    for (std::uint64_t left = size; left > 0;) {
      const std::size_t chunk = left < zeros.size() ? static_cast<std::size_t>(left) : zeros.size();
      tar.write(std::span(zeros.data(), chunk));
      left -= chunk;
    }
    tar.end_member();
    tar.finish(Trailer::write);
    (void)out.finish();
    out.commit();
  }
  Trust trust;
  trust.public_key = dir / "key.pub";
  EXPECT_ZB_ERROR(BundleReader(dir / "big.zb", trust),
                  ErrorKind::check,
                  "ZBUNDLE/manifest.json: 67108865 bytes, more than the 67108864 allowed");
}

TEST(BundleReader, RefusesWhatIsNotABundle) {
  const TempDir dir;
  (void)pki::generate_signing_key((dir / "key").string(), pki::KeyType::ed25519, "");
  test::write_file(dir / "plain.txt", "hello");
  Trust trust;
  trust.public_key = dir / "key.pub";
  EXPECT_ZB_ERROR(
      BundleReader(dir / "plain.txt", trust), ErrorKind::check, "plain.txt: frame 0 is corrupt");
  EXPECT_ZB_ERROR(
      BundleReader(dir / "missing.zb", trust), ErrorKind::input, "missing.zb: cannot open");
}

} // namespace
} // namespace zbundle::bundle
