#include "core/util/hash_pipeline.hpp"

#include "core/util/sha256.hpp"

#include <algorithm>
#include <exception>

namespace zbundle::util {

HashPipeline::HashPipeline(std::size_t buffer_count, std::size_t buffer_size)
    : m_buffers(buffer_count, std::vector<char>(buffer_size)), m_is_busy(buffer_count, false),
      m_thread([this] { run(); }) {}

HashPipeline::~HashPipeline() {
  {
    const std::scoped_lock lock(m_mutex);
    m_stopping = true;
  }
  m_changed.notify_all();
}

std::span<char> HashPipeline::next_buffer() {
  std::unique_lock lock(m_mutex);
  m_changed.wait(lock, [this] { return !m_is_busy[m_next] || m_failure; });
  rethrow_failure();
  m_current = m_next;
  m_next = (m_next + 1) % m_buffers.size();
  return m_buffers[m_current];
}

void HashPipeline::submit(std::size_t size) {
  {
    const std::scoped_lock lock(m_mutex);
    rethrow_failure();
    m_is_busy[m_current] = true;
    m_queue.push_back({m_current, size, false, 0});
  }
  m_changed.notify_all();
}

void HashPipeline::end_stream(std::uint64_t id) {
  {
    const std::scoped_lock lock(m_mutex);
    rethrow_failure();
    m_queue.push_back({0, 0, true, id});
  }
  m_changed.notify_all();
}

std::vector<std::pair<std::uint64_t, std::string>> HashPipeline::take_digests() {
  const std::scoped_lock lock(m_mutex);
  rethrow_failure();
  return std::exchange(m_digests, {});
}

std::vector<std::pair<std::uint64_t, std::string>> HashPipeline::finish() {
  std::unique_lock lock(m_mutex);
  m_changed.wait(lock, [this] { return m_queue.empty(); }); // emptied on a failure too
  rethrow_failure();
  return std::exchange(m_digests, {});
}

void HashPipeline::rethrow_failure() const {
  if (m_failure) {
    std::rethrow_exception(m_failure);
  }
}

// Total (STYLE 4b): whatever the hashing throws is kept for the caller, who is woken and gets
// it from its next call, instead of ending the process or leaving it waiting for a buffer.
void HashPipeline::run() noexcept {
  try {
    hash_queued();
  } catch (...) {
    const std::scoped_lock lock(m_mutex);
    m_failure = std::current_exception();
    m_queue.clear();
    std::fill(m_is_busy.begin(), m_is_busy.end(), false);
  }
  m_changed.notify_all();
}

void HashPipeline::hash_queued() {
  Sha256 hasher;
  std::unique_lock lock(m_mutex);
  while (true) {
    m_changed.wait(lock, [this] { return !m_queue.empty() || m_stopping; });
    if (m_queue.empty()) {
      return; // stopping, and nothing left
    }
    const Work work = m_queue.front();
    lock.unlock();
    std::string digest;
    if (work.is_end) {
      digest = hasher.finish();
      hasher = Sha256();
    } else {
      hasher.update(std::as_bytes(std::span(m_buffers[work.buffer].data(), work.size)));
    }
    lock.lock();
    m_queue.pop_front(); // only now: finish() waits for an empty queue
    if (work.is_end) {
      m_digests.emplace_back(work.id, std::move(digest));
    } else {
      m_is_busy[work.buffer] = false;
    }
    m_changed.notify_all();
  }
}

} // namespace zbundle::util
