#include "core/util/work_pool.hpp"

#include <algorithm>
#include <utility>

namespace zbundle::util {

WorkPool::WorkPool(unsigned workers, std::size_t max_queued)
    : m_max_queued(std::max<std::size_t>(max_queued, 1)) {
  const unsigned count = std::max(workers, 1U);
  try {
    m_workers.reserve(count);
    for (unsigned i = 0; i < count; ++i) {
      m_workers.emplace_back([this] { run_worker(); });
    }
  } catch (...) {
    stop(); // the workers that did start would otherwise wait, and be joined, forever
    throw;
  }
}

WorkPool::~WorkPool() {
  stop();
}

void WorkPool::stop() noexcept {
  {
    const std::scoped_lock lock(m_mutex);
    m_stopping = true;
    m_queue.clear();
  }
  m_changed.notify_all();
  m_workers.clear(); // joins
}

unsigned WorkPool::worker_count(unsigned requested) noexcept {
  if (requested > 0) {
    return requested;
  }
  return std::max(std::thread::hardware_concurrency(), 1U);
}

void WorkPool::submit(std::function<void()> job) {
  std::unique_lock lock(m_mutex);
  m_changed.wait(lock, [this] { return m_queue.size() < m_max_queued || m_stopping; });
  m_queue.push_back(std::move(job));
  lock.unlock();
  m_changed.notify_all();
}

void WorkPool::wait() {
  std::unique_lock lock(m_mutex);
  m_changed.wait(lock, [this] { return m_queue.empty() && m_running == 0; });
  if (m_failure) {
    std::rethrow_exception(std::exchange(m_failure, nullptr));
  }
}

void WorkPool::run_worker() {
  std::unique_lock lock(m_mutex);
  while (true) {
    m_changed.wait(lock, [this] { return !m_queue.empty() || m_stopping; });
    if (m_stopping) {
      return;
    }
    std::function<void()> job = std::move(m_queue.front());
    m_queue.pop_front();
    ++m_running;
    lock.unlock();
    m_changed.notify_all(); // a queue slot is free
    std::exception_ptr failure;
    try {
      job();
    } catch (...) {
      failure = std::current_exception();
    }
    lock.lock();
    --m_running;
    if (failure && !m_failure) {
      m_failure = failure;
    }
    m_changed.notify_all();
  }
}

void ChunkChannel::push(std::vector<char> chunk) {
  std::unique_lock lock(m_mutex);
  m_changed.wait(lock, [this] { return m_chunks.size() < m_capacity || m_aborted; });
  if (!m_aborted) {
    m_chunks.push_back(std::move(chunk));
  }
  lock.unlock();
  m_changed.notify_all();
}

void ChunkChannel::close() {
  {
    const std::scoped_lock lock(m_mutex);
    m_closed = true;
  }
  m_changed.notify_all();
}

void ChunkChannel::abort() {
  {
    const std::scoped_lock lock(m_mutex);
    m_aborted = true;
    m_chunks.clear();
  }
  m_changed.notify_all();
}

bool ChunkChannel::aborted() {
  const std::scoped_lock lock(m_mutex);
  return m_aborted;
}

bool ChunkChannel::pop(std::vector<char>& chunk) {
  std::unique_lock lock(m_mutex);
  m_changed.wait(lock, [this] { return !m_chunks.empty() || m_closed || m_aborted; });
  if (m_aborted || m_chunks.empty()) {
    return false;
  }
  chunk = std::move(m_chunks.front());
  m_chunks.pop_front();
  lock.unlock();
  m_changed.notify_all();
  return true;
}

} // namespace zbundle::util
