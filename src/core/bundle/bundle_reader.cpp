#include "core/bundle/bundle_reader.hpp"

#include "core/bundle/reader_state.hpp"

namespace zbundle::bundle {

BundleReader::BundleReader(const std::filesystem::path& path, const Trust& trust)
    : m_state(std::make_unique<detail::ReaderState>(path, trust)) {}

BundleReader::~BundleReader() = default;

const Manifest& BundleReader::manifest() const noexcept {
  return m_state->head.manifest;
}

const std::string& BundleReader::signer() const noexcept {
  return m_state->head.signer;
}

} // namespace zbundle::bundle
