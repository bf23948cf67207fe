#pragma once

// Parallel blob uploads fed by the one thread that reads the bundle (internal to push). Each
// worker has its own connection; the reader hands a blob to an idle worker and copies its
// bytes into that worker's small queue, so memory stays at jobs x queue whatever the blob
// sizes, and the reader moves on to the next blob while the last one is still in flight.

#include "core/registry/push_state.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace zbundle::registry::detail {

class UploadPool {
public:
  UploadPool(unsigned jobs, const Endpoint& endpoint, const std::optional<std::string>& auth);
  UploadPool(const UploadPool&) = delete;
  UploadPool& operator=(const UploadPool&) = delete;
  ~UploadPool();

  // The reader's side: a blob that some repository lacks, then its bytes, then whether the
  // bundle's reader found them right. start() waits for an idle worker.
  void start(const std::string& digest, BlobWork& blob, std::uint64_t size);
  void add(std::span<const std::byte> bytes);
  void finish(bool is_verified);

  // Waits until every handed blob is done.
  void wait_idle();
  // The first failure nothing survives (untrusted certificate, refused credentials).
  [[nodiscard]] std::optional<RegistryError> fatal() const;
  [[nodiscard]] BlobCounters& counters() noexcept { return m_counters; }
  // A connection for the sequential work before and after the blobs.
  [[nodiscard]] RegistryClient& client();

private:
  struct Worker;
  void run(Worker& worker);
  void upload(Worker& worker);
  void fail(Worker& worker, const RegistryError& error) noexcept;
  void stop() noexcept;

  BlobCounters m_counters;
  std::vector<std::unique_ptr<Worker>> m_workers;
  Worker* m_current = nullptr; // the worker the reader is feeding
  mutable std::mutex m_mutex;  // guards every worker's job, m_fatal and m_stopping
  std::condition_variable m_changed;
  std::optional<RegistryError> m_fatal;
  bool m_stopping = false;
};

} // namespace zbundle::registry::detail
