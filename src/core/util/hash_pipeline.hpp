#pragma once

// SHA-256 on a second core while the caller keeps working on the same bytes: the caller fills
// a ring of buffers, hands each to the hashing thread, and goes on compressing or writing it;
// a buffer comes back for refilling only once it is hashed, so nothing is copied and memory
// stays at the ring's size. Streams (one per entry) are hashed in order; their digests come
// back by stream id.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace zbundle::util {

class HashPipeline {
public:
  explicit HashPipeline(std::size_t buffer_count = 4,
                        std::size_t buffer_size = std::size_t{1} << 20);
  HashPipeline(const HashPipeline&) = delete;
  HashPipeline& operator=(const HashPipeline&) = delete;
  ~HashPipeline();

  // The next buffer to fill; waits until its previous bytes are hashed. The caller may read it
  // until it asks for the next one after that.
  [[nodiscard]] std::span<char> next_buffer();
  // Hashes the first `size` bytes of the buffer next_buffer() returned last.
  void submit(std::size_t size);
  // Ends the current stream; its digest ("sha256:<hex>") becomes available under `id`.
  void end_stream(std::uint64_t id);
  // Digests of the streams finished so far, in order, removed from the pipeline.
  [[nodiscard]] std::vector<std::pair<std::uint64_t, std::string>> take_digests();
  // Waits until every submitted stream is hashed, then take_digests(). Each call rethrows what
  // the hashing thread threw, once it has failed.
  [[nodiscard]] std::vector<std::pair<std::uint64_t, std::string>> finish();

private:
  struct Work {
    std::size_t buffer = 0;
    std::size_t size = 0;
    bool is_end = false;
    std::uint64_t id = 0;
  };
  void run() noexcept;
  void hash_queued();
  void rethrow_failure() const; // with m_mutex held

  std::vector<std::vector<char>> m_buffers;
  std::vector<bool> m_is_busy;
  std::size_t m_next = 0;
  std::size_t m_current = 0;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<Work> m_queue;
  std::vector<std::pair<std::uint64_t, std::string>> m_digests;
  bool m_stopping = false;
  std::exception_ptr m_failure; // what the hashing thread threw; every call rethrows it
  std::jthread m_thread;        // last: started once everything it uses exists
};

} // namespace zbundle::util
