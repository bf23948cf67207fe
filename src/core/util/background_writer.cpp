#include "core/util/background_writer.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

namespace zbundle::util {

BackgroundWriter::BackgroundWriter(Sink sink,
                                   std::size_t buffer_size,
                                   std::size_t buffers_in_flight)
    : m_sink(std::move(sink)), m_buffer_size(buffer_size), m_max_in_flight(buffers_in_flight),
      m_current(new_buffer()), m_thread([this] { run(); }) {}

BackgroundWriter::Buffer BackgroundWriter::new_buffer() const {
  return {std::vector<std::byte, PageAligned<std::byte>>(m_buffer_size), 0};
}

BackgroundWriter::~BackgroundWriter() {
  {
    const std::scoped_lock lock(m_mutex);
    m_stopping = true;
    m_queue.clear();
  }
  m_changed.notify_all();
}

void BackgroundWriter::rethrow_failure() {
  if (m_failure) {
    std::rethrow_exception(m_failure);
  }
}

void BackgroundWriter::write(std::span<const std::byte> bytes) {
  while (!bytes.empty()) {
    const std::size_t taken = std::min(m_buffer_size - m_current.used, bytes.size());
    std::memcpy(m_current.bytes.data() + m_current.used, bytes.data(), taken);
    m_current.used += taken;
    bytes = bytes.subspan(taken);
    if (m_current.used == m_buffer_size) {
      hand_over();
    }
  }
}

void BackgroundWriter::hand_over() {
  std::unique_lock lock(m_mutex);
  m_changed.wait(lock, [this] { return m_queue.size() < m_max_in_flight || m_failure; });
  rethrow_failure();
  m_queue.push_back(std::move(m_current));
  if (m_spare.empty()) {
    m_current = new_buffer();
  } else {
    m_current = std::move(m_spare.back());
    m_spare.pop_back();
    m_current.used = 0;
  }
  lock.unlock();
  m_changed.notify_all();
}

void BackgroundWriter::flush() {
  if (m_current.used > 0) {
    hand_over();
  }
  std::unique_lock lock(m_mutex);
  m_changed.wait(lock, [this] { return (m_queue.empty() && !m_is_writing) || m_failure; });
  rethrow_failure();
}

void BackgroundWriter::run() {
  std::unique_lock lock(m_mutex);
  while (true) {
    m_changed.wait(lock, [this] { return !m_queue.empty() || m_stopping; });
    if (m_stopping) {
      return;
    }
    Buffer buffer = std::move(m_queue.front());
    m_queue.pop_front();
    m_is_writing = true;
    lock.unlock();
    std::exception_ptr failure;
    try {
      m_sink(std::span(buffer.bytes.data(), buffer.used));
    } catch (...) {
      failure = std::current_exception();
    }
    lock.lock();
    m_is_writing = false;
    if (failure && !m_failure) {
      m_failure = failure;
      m_queue.clear();
    }
    m_spare.push_back(std::move(buffer));
    m_changed.notify_all();
  }
}

} // namespace zbundle::util
