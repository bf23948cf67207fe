// oc-mirror's file-based catalogs (the olm.bundle stream read with a SAX parser, fed in
// pieces) and a release payload's image-references: JSON a catalog publisher or a tampered
// oc-mirror tree controls. The first byte chooses the piece size, so the parser's state is
// cut at every place a read can end.
#include "core/ocmirror/run_records.hpp"
#include "core/walk/tree_walker.hpp"
#include "fuzz_target.hpp"

#include <algorithm>
#include <cstring>

namespace {

class PiecewiseContent final : public zbundle::walk::EntryContent {
public:
  PiecewiseContent(std::string_view text, std::size_t piece) : m_text(text), m_piece(piece) {}
  std::string read_text(std::size_t max_bytes) override {
    if (m_text.size() > max_bytes) {
      throw zbundle::Error(zbundle::ErrorKind::input, "catalog: too large");
    }
    return std::string(m_text);
  }
  std::size_t read_some(std::span<char> buffer) override {
    const std::size_t count = std::min({buffer.size(), m_piece, m_text.size()});
    std::memcpy(buffer.data(), m_text.data(), count);
    m_text.remove_prefix(count);
    return count;
  }

private:
  std::string_view m_text;
  std::size_t m_piece;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const std::size_t piece = std::size_t{1} + data[0] % 64;
  const std::string_view text = zbundle::fuzz::as_text(data + 1, size - 1);
  PiecewiseContent content(text, piece);
  (void)zbundle::fuzz::refuse_or_accept(
      [&] { (void)zbundle::ocmirror::read_catalog_images(content, "catalog.json"); });
  (void)zbundle::fuzz::refuse_or_accept([&] {
    (void)zbundle::ocmirror::parse_release_references(std::string(text), "image-references");
  });
  return 0;
}
