#include "core/bundle/tar_header.hpp"
#include "core/util/str_cat.hpp"
#include "test_support.hpp"

namespace zbundle::bundle {
namespace {

unsigned checksum_of(std::string_view block) {
  unsigned sum = 0;
  for (std::size_t i = 0; i < block.size(); ++i) {
    sum += i >= 148 && i < 156 ? ' ' : static_cast<unsigned char>(block[i]);
  }
  return sum;
}

TEST(TarHeader, ShortAsciiPathsAreOneUstarBlock) {
  const std::string header = member_header("artifacts/icsp.yaml", 1234, 1767225600);
  ASSERT_EQ(header.size(), k_tar_block);
  EXPECT_EQ(header.substr(0, 20), std::string("artifacts/icsp.yaml") + '\0');
  EXPECT_EQ(header.substr(100, 8), std::string("0000644") + '\0');
  EXPECT_EQ(header.substr(124, 12), std::string("00000002322") + '\0');
  EXPECT_EQ(header[156], '0');
  EXPECT_EQ(header.substr(257, 8),
            std::string("ustar\0"
                        "00",
                        8));
  EXPECT_EQ(std::stoul(header.substr(148, 6), nullptr, 8), checksum_of(header));
  EXPECT_EQ(header.substr(345, 155), std::string(155, '\0')); // never the prefix field
}

TEST(TarHeader, LongOrNonAsciiPathsAndHugeSizesGoInPaxRecords) {
  const std::string path =
      "registry/docker/registry/v2/blobs/sha256/ab/" + std::string(64, 'a') + "/data";
  const std::string header = member_header(path, 10, 0);
  ASSERT_EQ(header.size(), 3 * k_tar_block);
  EXPECT_EQ(header.substr(0, 15), std::string("././@PaxHeader") + '\0');
  EXPECT_EQ(header[156], 'x');
  const std::string record = util::str_cat(path.size() + 10, " path=", path, "\n");
  EXPECT_EQ(header.substr(k_tar_block, record.size()), record);
  EXPECT_EQ(header.substr(2 * k_tar_block, 100), path.substr(0, 100));
  const std::string unicode = member_header("oc-mirror/ü.log", 1, 0);
  EXPECT_NE(unicode.find("25 path=oc-mirror/\xc3\xbc.log\n"), std::string::npos);
  EXPECT_EQ(unicode.substr(2 * k_tar_block, 16), std::string("oc-mirror/?.log") + '\0');
  const std::string huge = member_header("artifacts/big", k_ustar_max_size + 1, 0);
  EXPECT_NE(huge.find("19 size=8589934592\n"), std::string::npos);
  EXPECT_EQ(huge.substr(2 * k_tar_block + 124, 12), std::string("00000000000") + '\0');
}

} // namespace
} // namespace zbundle::bundle
