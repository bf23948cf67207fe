#include "core/bundle/volume_writer.hpp"

#include "core/util/str_cat.hpp"

#include <string>

namespace zbundle::bundle {

namespace fs = std::filesystem;

fs::path volume_path(const fs::path& target, std::uint32_t volume) {
  std::string number = std::to_string(volume);
  number.insert(0, number.size() < 3 ? 3 - number.size() : 0, '0');
  return {target.string() + "." + number};
}

VolumeWriter::VolumeWriter(fs::path target)
    : m_target(std::move(target)), m_file(std::make_unique<util::AtomicFile>(
                                       m_target, 0644, util::DiskWrites::direct_when_aligned)) {}

void VolumeWriter::write_now(std::span<const std::byte> bytes) {
  m_file->write(bytes);
  if (m_hasher) {
    m_hasher->update(bytes);
  }
}

VolumeWriter::VolumeWriter(fs::path target, std::uint32_t first_volume, std::uint64_t volume_size)
    : m_target(std::move(target)), m_volume_size(volume_size), m_volume_number(first_volume) {
  open_volume();
}

void VolumeWriter::open_volume() {
  m_file = std::make_unique<util::AtomicFile>(
      volume_path(m_target, m_volume_number), 0644, util::DiskWrites::direct_when_aligned);
  m_hasher.emplace();
  m_offset = 0;
}

void VolumeWriter::close_volume() {
  m_writer.flush(); // the file and the hasher change hands only between flushes
  m_volumes.push_back({volume_path(m_target, m_volume_number).filename().string(),
                       m_offset,
                       m_hasher->finish().substr(std::string_view("sha256:").size())});
  m_closed.push_back(std::move(m_file));
  ++m_volume_number;
}

FramePosition VolumeWriter::start_frame(std::uint64_t frame_bound) {
  if (m_volume_size > 0 && m_offset > 0 && m_offset + frame_bound > m_volume_size) {
    close_volume();
    open_volume();
  }
  return {m_volume_size > 0 ? m_volume_number : 0, m_offset};
}

void VolumeWriter::write(std::span<const std::byte> bytes) {
  m_writer.write(bytes);
  m_offset += bytes.size();
}

std::vector<Volume> VolumeWriter::finish() {
  m_writer.flush();
  if (m_volume_size > 0 && m_file) {
    close_volume();
  }
  return m_volumes;
}

void VolumeWriter::commit() {
  m_writer.flush();
  for (const std::unique_ptr<util::AtomicFile>& file : m_closed) {
    file->commit();
  }
  if (m_file) {
    m_file->commit();
  }
}

} // namespace zbundle::bundle
