#include "core/bundle/frame_decoder.hpp"
#include "core/bundle/stored_frame.hpp"
#include "test_support.hpp"

#include <zstd.h>

#include <fstream>
#include <string>

namespace zbundle::bundle {
namespace {

using test::TempDir;

// A stored frame by hand (stored_frame.hpp), one raw block per part; `type` replaces the
// raw type of the last block, to forge one.
std::string stored_frame(const std::vector<std::string>& blocks, unsigned last_type = 0) {
  std::string frame(k_stored_frame_header.begin(), k_stored_frame_header.end());
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const bool is_last = i + 1 == blocks.size();
    auto header = raw_block_header(blocks[i].size(), is_last);
    if (is_last) {
      header[0] |= std::byte(last_type << 1);
    }
    for (const std::byte b : header) {
      frame.push_back(static_cast<char>(b));
    }
    frame += blocks[i];
  }
  return frame;
}

std::string compressed_frame(const std::string& text) {
  std::string frame(ZSTD_compressBound(text.size()), '\0');
  frame.resize(ZSTD_compress(frame.data(), frame.size(), text.data(), text.size(), 3));
  return frame;
}

std::string read_all(FrameDecoder& decoder) {
  std::string text;
  for (auto bytes = decoder.next(); !bytes.empty(); bytes = decoder.next()) {
    text.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
  return text;
}

std::string pattern(std::size_t size, char first) {
  std::string text(size, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    text[i] = static_cast<char>(first + static_cast<char>(i % 23));
  }
  return text;
}

TEST(FrameDecoder, ReadsStoredFramesBesideCompressedOnes) {
  const TempDir dir;
  const std::string big = pattern(k_raw_block_size, 'a');
  const std::string stored = stored_frame({big, "tail"});
  test::write_file(dir / "b", stored + compressed_frame("hello") + stored_frame({"x"}));
  VolumeReader source(dir / "b");
  FrameDecoder decoder(source);
  EXPECT_EQ(read_all(decoder), big + "tail" + "hello" + "x");
  const auto first = decoder.peek_frame();
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->is_stored);
  EXPECT_EQ(first->position.offset, 0U);
  decoder.pop_frame();
  const auto second = decoder.peek_frame();
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->is_stored);
  EXPECT_EQ(second->position.offset, stored.size());
  EXPECT_EQ(second->decompressed, big.size() + 4);
  decoder.pop_frame();
  ASSERT_TRUE(decoder.peek_frame());
  EXPECT_TRUE(decoder.peek_frame()->is_stored);
}

// A block header cut by the end of the decoder's 1 MiB input buffer is read whole.
TEST(FrameDecoder, ReadsBlockHeadersAcrossItsInputBuffer) {
  const TempDir dir;
  std::vector<std::string> blocks(7, pattern(k_raw_block_size, 'k'));
  // 6 + 7 * (3 + 128 KiB) + 3 + 131041 = 1 MiB - 1: the next header straddles the buffer's end
  blocks.push_back(pattern(131041, 'm'));
  blocks.push_back(pattern(1000, 'p'));
  std::string expected;
  for (const std::string& block : blocks) {
    expected += block;
  }
  test::write_file(dir / "b", stored_frame(blocks));
  VolumeReader source(dir / "b");
  FrameDecoder decoder(source);
  EXPECT_EQ(read_all(decoder), expected);
}

TEST(FrameDecoder, SkipsToTheEndOfAStoredFrameAtMost) {
  const TempDir dir;
  const std::string big = pattern(k_raw_block_size, 'a');
  test::write_file(dir / "b", stored_frame({big, big, "end"}) + compressed_frame("hello"));
  VolumeReader source(dir / "b");
  FrameDecoder decoder(source);
  const auto start = decoder.next();
  ASSERT_FALSE(start.empty());
  ASSERT_LT(start.size(), big.size() * 2); // blocks come one at a time
  const std::uint64_t rest = big.size() * 2 + 3 - start.size();
  EXPECT_EQ(decoder.skip(rest + 100), rest); // not into the next frame
  EXPECT_EQ(decoder.decompressed_total(), big.size() * 2 + 3);
  const auto hello = decoder.next();
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(hello.data()), hello.size()), "hello");
  EXPECT_EQ(decoder.skip(1), 0U); // compressed frames are read, never skipped
}

TEST(FrameDecoder, SkipsPartOfABlockAndReadsOnFromThere) {
  const TempDir dir;
  const std::string first = pattern(k_raw_block_size, 'a');
  const std::string second = pattern(5000, 'q');
  test::write_file(dir / "b", stored_frame({first, second}));
  VolumeReader source(dir / "b");
  FrameDecoder decoder(source);
  const auto start = decoder.next();
  ASSERT_EQ(start.size(), first.size());
  EXPECT_EQ(decoder.skip(100), 100U);
  EXPECT_EQ(read_all(decoder), second.substr(100));
}

TEST(FrameDecoder, RefusesOtherBlocksInAStoredFrame) {
  const TempDir dir;
  for (const unsigned type : {1U, 2U, 3U}) {
    test::write_file(dir / "b", stored_frame({"abc", "def"}, type));
    VolumeReader source(dir / "b");
    FrameDecoder decoder(source);
    EXPECT_ZB_ERROR(
        (void)read_all(decoder),
        ErrorKind::check,
        "b: frame 0 is corrupt: a stored frame holds only raw blocks of at most 128 KiB");
  }
  std::string oversized(k_stored_frame_header.begin(), k_stored_frame_header.end());
  for (const std::byte b : raw_block_header(k_raw_block_size + 1, true)) {
    oversized.push_back(static_cast<char>(b));
  }
  test::write_file(dir / "b", oversized + pattern(k_raw_block_size + 1, 'a'));
  VolumeReader source(dir / "b");
  FrameDecoder decoder(source);
  EXPECT_ZB_ERROR(
      (void)decoder.next(), ErrorKind::check, "b: frame 0 is corrupt: a stored frame holds only");
}

TEST(FrameDecoder, FindsTruncatedStoredFramesReadOrSkipped) {
  const TempDir dir;
  const std::string frame = stored_frame({pattern(k_raw_block_size, 'a'), "last"});
  test::write_file(dir / "b", frame.substr(0, frame.size() - 2));
  {
    VolumeReader source(dir / "b");
    FrameDecoder decoder(source);
    EXPECT_ZB_ERROR(
        (void)read_all(decoder), ErrorKind::check, "b: truncated: the stream ends inside frame 0");
  }
  VolumeReader source(dir / "b");
  FrameDecoder decoder(source);
  (void)decoder.next();
  EXPECT_ZB_ERROR((void)decoder.skip(std::uint64_t{1} << 30),
                  ErrorKind::check,
                  "b: truncated: the stream ends");
}

TEST(FrameDecoder, CapsWhatAStoredFrameMayHoldWhenSkipping) {
  const TempDir dir;
  test::write_file(dir / "b", stored_frame({pattern(1000, 'a'), pattern(1000, 'b')}));
  VolumeReader source(dir / "b");
  FrameDecoder decoder(source);
  decoder.set_frame_limit([](std::size_t) { return 1500; });
  (void)decoder.next();
  EXPECT_ZB_ERROR((void)decoder.skip(1000),
                  ErrorKind::check,
                  "b: frame 0 expands beyond what its member may hold");
}

} // namespace
} // namespace zbundle::bundle
