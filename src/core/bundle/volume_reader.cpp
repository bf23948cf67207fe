#include "core/bundle/volume_reader.hpp"

#include "core/bundle/stored_frame.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <stdexcept>

namespace zbundle::bundle {
namespace {

namespace fs = std::filesystem;
using util::str_cat;

constexpr std::string_view k_head_suffix = ".001";

} // namespace

bool is_bundle(const fs::path& path) noexcept {
  try {
    std::error_code error;
    const fs::path first = fs::exists(path, error) ? path : volume_path(path, 1);
    if (!fs::is_regular_file(first, error)) {
      return false;
    }
    std::ifstream file(first, std::ios::binary);
    std::array<char, k_zstd_magic.size()> head{};
    return file.read(head.data(), head.size())
           && std::string_view(head.data(), head.size()) == k_zstd_magic;
  } catch (...) { // a path too long to build, memory: not a bundle we can read
    return false;
  }
}

VolumeReader::VolumeReader(fs::path path) : m_first(std::move(path)) {
  std::error_code error;
  if (!fs::exists(m_first, error) && fs::exists(volume_path(m_first, 1), error)) {
    m_first = volume_path(m_first, 1);
  }
  if (m_first.string().ends_with(k_head_suffix)) {
    m_is_volume_set = true;
    const std::string text = m_first.string();
    m_base = text.substr(0, text.size() - k_head_suffix.size());
    m_volume = 1;
  }
  m_file.emplace(m_first);
}

void VolumeReader::check_size(std::uint32_t volume, std::uint64_t size) const {
  const Volume& expected = (*m_expected)[volume - 2];
  if (size != expected.size) {
    throw Error(ErrorKind::check,
                str_cat(volume_path(m_base, volume).string(),
                        ": ",
                        size,
                        " bytes, the manifest says ",
                        expected.size,
                        ": a wrong or reordered volume"));
  }
}

void VolumeReader::expect_volumes(const std::vector<Volume>& volumes) {
  if (!volumes.empty() && !m_is_volume_set) {
    throw Error(ErrorKind::check,
                str_cat(m_first.string(),
                        ": the manifest lists ",
                        volumes.size(),
                        " data volumes: read the set from its head volume (.001)"));
  }
  if (volumes.empty() && m_is_volume_set) {
    throw Error(ErrorKind::check,
                str_cat(m_first.string(), ": a head volume whose manifest lists no volumes"));
  }
  for (std::size_t i = 0; i < volumes.size(); ++i) {
    if (volumes[i].name
        != volume_path(m_base, static_cast<std::uint32_t>(i + 2)).filename().string()) {
      throw Error(ErrorKind::check,
                  str_cat(m_first.string(),
                          ": volume ",
                          i + 2,
                          " is named ",
                          volumes[i].name,
                          " in the manifest"));
    }
  }
  m_expected = volumes;
  if (m_at_end && m_first_absent >= 2 && m_first_absent - 2 < volumes.size()) {
    throw Error(ErrorKind::check,
                str_cat(volume_path(m_base, m_first_absent).string(), ": missing volume"));
  }
  if (m_volume >= 2) { // already reading a data volume: its size must match
    check_size(m_volume, fs::file_size(volume_path(m_base, m_volume)));
  }
}

void VolumeReader::open(std::uint32_t volume) {
  const fs::path path = volume_path(m_base, volume);
  std::error_code error;
  const bool is_listed = m_expected && volume - 2 < m_expected->size();
  if (!fs::exists(path, error)) {
    if (is_listed) {
      throw Error(ErrorKind::check, str_cat(path.string(), ": missing volume"));
    }
    m_at_end = true;
    m_first_absent = volume; // may turn out to be missing once the manifest is known
    return;
  }
  if (m_expected && !is_listed) {
    throw Error(ErrorKind::check, str_cat(path.string(), ": a volume the manifest does not list"));
  }
  if (m_expected) {
    check_size(volume, fs::file_size(path));
  }
  m_file.emplace(path);
  m_hasher.emplace();
  m_volume = volume;
  m_offset = 0;
}

void VolumeReader::finish_volume() {
  if (m_volume >= 2 && m_expected) {
    const Volume& expected = (*m_expected)[m_volume - 2];
    const std::string actual = m_hasher->finish().substr(std::string_view("sha256:").size());
    if (actual != expected.sha256) {
      throw Error(ErrorKind::check,
                  str_cat(volume_path(m_base, m_volume).string(),
                          ": sha256 ",
                          actual,
                          ", the manifest says ",
                          expected.sha256));
    }
  }
  m_file.reset();
}

void VolumeReader::seek(FramePosition at) {
  const bool is_known = m_is_volume_set ? at.volume >= 1 : at.volume == 0;
  if (!is_known) {
    throw Error(ErrorKind::check,
                str_cat(m_first.string(), ": no volume ", at.volume, " to read from"));
  }
  if (at.volume != m_volume) {
    m_file.emplace(at.volume <= 1 ? m_first : volume_path(m_base, at.volume));
    m_volume = at.volume;
  }
  m_file->seek(at.offset);
  m_offset = at.offset;
  m_hasher.reset();   // no volume digest from here on: without a list, finish_volume checks
  m_expected.reset(); // nothing
  m_at_end = false;
}

std::uint64_t VolumeReader::skip(std::uint64_t count) {
  if (!can_skip()) {
    throw std::logic_error("VolumeReader::skip on a volume set");
  }
  if (m_at_end) {
    return 0;
  }
  const std::uint64_t size = m_file->size();
  const std::uint64_t skipped = std::min(count, size > m_offset ? size - m_offset : 0);
  m_offset += skipped;
  m_file->seek(m_offset);
  return skipped;
}

std::size_t VolumeReader::read(std::span<char> buffer) {
  while (!m_at_end) {
    const std::size_t got = m_file->read_some(buffer);
    if (got > 0) {
      if (m_hasher) {
        m_hasher->update(std::as_bytes(buffer.first(got)));
      }
      m_offset += got;
      return got;
    }
    finish_volume();
    if (!m_is_volume_set) {
      m_at_end = true;
    } else {
      open(m_volume + 1);
    }
  }
  return 0;
}

} // namespace zbundle::bundle
