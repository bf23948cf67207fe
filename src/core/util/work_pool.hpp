#pragma once

// A fixed set of worker threads with a bounded queue: the producer blocks when the queue is
// full, so memory held by queued jobs stays bounded however many jobs a run submits.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace zbundle::util {

class WorkPool {
public:
  // `workers` threads (at least 1); submit() blocks while `max_queued` jobs wait.
  WorkPool(unsigned workers, std::size_t max_queued);
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;
  ~WorkPool(); // drops queued jobs, waits for running ones

  void submit(std::function<void()> job);
  // Waits until every submitted job ran; rethrows the first exception a job threw.
  void wait();

  // The number of workers to use for `requested` (0 = one per core).
  [[nodiscard]] static unsigned worker_count(unsigned requested) noexcept;

private:
  void run_worker();
  void stop() noexcept; // drops queued jobs, joins the workers

  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<std::function<void()>> m_queue;
  std::size_t m_max_queued;
  std::size_t m_running = 0;
  bool m_stopping = false;
  std::exception_ptr m_failure;
  std::vector<std::jthread> m_workers;
};

// Hands chunks of one stream from a producer to one consumer, at most `capacity` chunks in
// flight; abort() releases both sides (the producer's pushes become no-ops).
class ChunkChannel {
public:
  explicit ChunkChannel(std::size_t capacity) : m_capacity(capacity) {}
  void push(std::vector<char> chunk);
  void close();
  void abort();
  // The next chunk; false at the end of the stream or after abort().
  [[nodiscard]] bool pop(std::vector<char>& chunk);
  [[nodiscard]] bool aborted();

private:
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<std::vector<char>> m_chunks;
  std::size_t m_capacity;
  bool m_closed = false;
  bool m_aborted = false;
};

} // namespace zbundle::util
