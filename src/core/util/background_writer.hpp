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
#include <new>
#include <span>
#include <thread>
#include <vector>

namespace zbundle::util {

// Allocates on 4 KiB boundaries, so whole buffers can be written with O_DIRECT.
template <class T> struct PageAligned {
  using value_type = T;
  static constexpr std::align_val_t k_alignment{4096};
  PageAligned() = default;
  template <class U> explicit PageAligned(const PageAligned<U>& /*other*/) noexcept {}
  [[nodiscard]] T* allocate(std::size_t count) {
    return static_cast<T*>(::operator new(count * sizeof(T), k_alignment));
  }
  void deallocate(T* pointer, std::size_t /*count*/) noexcept {
    ::operator delete(pointer, k_alignment);
  }
  bool operator==(const PageAligned& /*other*/) const noexcept { return true; }
};

// Gathers a stream into large buffers that a writer thread hands to a sink. Every buffer but
// the one flush() hands over early is full, so buffers start at multiples of `buffer_size` in
// the stream, in page-aligned memory.
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
  struct Buffer {
    std::vector<std::byte, PageAligned<std::byte>> bytes; // m_buffer_size of them
    std::size_t used = 0;
  };
  [[nodiscard]] Buffer new_buffer() const;
  Buffer m_current;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<Buffer> m_queue;
  std::vector<Buffer> m_spare;
  bool m_is_writing = false;
  bool m_stopping = false;
  std::exception_ptr m_failure;
  std::jthread m_thread; // last: started once everything it uses exists
};

} // namespace zbundle::util
