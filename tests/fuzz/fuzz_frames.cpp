// The zstd frame layer of a bundle on its own (rules R1, R10): window and per-frame caps,
// stored frames read block by block and skipped unread, frame starts recorded. The first byte
// chooses the per-frame cap (1 B to 1 MiB), the second whether stored data is skipped; the
// rest is the bundle file.
#include "core/bundle/frame_decoder.hpp"
#include "core/bundle/volume_reader.hpp"
#include "fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) {
    return 0;
  }
  static zbundle::fuzz::InputFile input;
  const std::uint64_t limit = std::uint64_t{1} << (data[0] % 21);
  const bool skips = (data[1] & 1) != 0;
  const std::filesystem::path path = input.hold(data + 2, size - 2);
  return zbundle::fuzz::refuse_or_accept([&] {
    zbundle::bundle::VolumeReader source(path);
    zbundle::bundle::FrameDecoder decoder(source);
    decoder.set_frame_limit([limit](std::size_t /*frame*/) { return limit; });
    for (;;) {
      if (skips && decoder.skip(4096) > 0) {
        continue;
      }
      const std::span<const std::byte> bytes = decoder.next();
      while (decoder.peek_frame()) {
        decoder.pop_frame();
      }
      if (bytes.empty()) {
        break;
      }
    }
  });
}
