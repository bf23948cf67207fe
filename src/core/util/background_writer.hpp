#pragma once

// Moves write(2) off the caller's thread: bytes are gathered into large buffers and a writer
// thread hands them to a sink, a few buffers in flight at most. Writing new file data costs
// the kernel about as much CPU as hashing it, so on two cores it must overlap with the rest.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

namespace zbundle::util {

class BackgroundWriter {
public:
  using Sink = std::function<void(std::span<const std::byte>)>;
  explicit BackgroundWriter(Sink sink,
                            std::size_t buffer_size = std::size_t{1} << 20,
                            std::size_t buffers_in_flight = 4);
  BackgroundWriter(const BackgroundWriter&) = delete;
  BackgroundWriter& operator=(const BackgroundWriter&) = delete;
  ~BackgroundWriter(); // drops what was not flushed

  // Copies `bytes` into the current buffer, handing full ones to the writer thread. Rethrows
  // a failure of an earlier write.
  void write(std::span<const std::byte> bytes);
  // Waits until everything written so far reached the sink; rethrows its failure.
  void flush();

private:
  void hand_over();
  void run();
  void rethrow_failure();

  Sink m_sink;
  std::size_t m_buffer_size;
  std::size_t m_max_in_flight;
  std::vector<std::byte> m_current;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<std::vector<std::byte>> m_queue;
  std::vector<std::vector<std::byte>> m_spare;
  bool m_is_writing = false;
  bool m_stopping = false;
  std::exception_ptr m_failure;
  std::jthread m_thread; // last: started once everything it uses exists
};

} // namespace zbundle::util
