#include "core/bundle/bundle_index.hpp"
#include "test_support.hpp"

#include <nlohmann/json.hpp>

namespace zbundle::bundle {
namespace {

Manifest two_entries() {
  Manifest manifest;
  manifest.bundle_id = std::string(32, 'b');
  manifest.entries = {{"artifacts/a", 1, *util::Sha256Digest::from_hex(std::string(64, 'a'))},
                      {"artifacts/b", 2, *util::Sha256Digest::from_hex(std::string(64, 'c'))}};
  return manifest;
}

TEST(BundleIndex, BindsTheBundleAndTheManifestsBytes) {
  const Manifest manifest = two_entries();
  const std::string sha = std::string(64, '1');
  const std::string index = serialize_index(manifest, sha, {{0, 100}, {0, 200}});
  const std::vector<IndexFrame> frames = parse_index(index, manifest, sha);
  ASSERT_EQ(frames.size(), 2U);
  EXPECT_EQ(frames[1].position.offset, 200U);
  EXPECT_ZB_ERROR((void)parse_index(index, manifest, std::string(64, '2')),
                  ErrorKind::check,
                  "ZBUNDLE/index.json: names another manifest (manifest_sha256 differs)");
  nlohmann::json without = nlohmann::json::parse(index);
  without.erase("manifest_sha256");
  EXPECT_ZB_ERROR((void)parse_index(without.dump(), manifest, sha),
                  ErrorKind::check,
                  "needs format, bundle_id, manifest_sha256 and frames");
  Manifest other = manifest;
  other.bundle_id = std::string(32, 'c');
  EXPECT_ZB_ERROR(
      (void)parse_index(index, other, sha), ErrorKind::check, "belongs to another bundle");
}

} // namespace
} // namespace zbundle::bundle
