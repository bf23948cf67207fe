#include "core/bundle/bundle_reader.hpp"

#include "core/bundle/bundle_reader_state.hpp"

namespace zbundle::bundle {

BundleReader::BundleReader(const std::filesystem::path& path, const Trust& trust)
    : m_state(std::make_unique<State>(path)) {
  m_state->read_head(trust);
}

BundleReader::~BundleReader() = default;

const Manifest& BundleReader::manifest() const noexcept {
  return m_state->manifest;
}

const std::string& BundleReader::signer() const noexcept {
  return m_state->signer;
}

} // namespace zbundle::bundle
