#pragma once

// Parallel blob uploads fed by the threads that read the bundle (internal to push). Each
// worker has its own connection; a reader hands a blob to an idle worker and copies its bytes
// into that worker's small queue, so memory stays at jobs x queue whatever the blob sizes.
// The pass feeds one blob at a time and moves on while it is still in flight; the bundle's
// frame readers feed big blobs beside it, each its own (EntrySink::split).

#include "core/registry/push_state.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

namespace zbundle::registry::detail {

class UploadPool {
  struct Worker;

public:
  UploadPool(unsigned jobs, const Endpoint& endpoint, const std::optional<std::string>& auth);
  UploadPool(const UploadPool&) = delete;
  UploadPool& operator=(const UploadPool&) = delete;
  ~UploadPool();

  // One blob being fed, from start() to finish(); move-only, so one owner finishes it.
  class Feed {
  public:
    Feed() = default;
    Feed(Feed&& other) noexcept : m_worker(std::exchange(other.m_worker, nullptr)) {}
    Feed& operator=(Feed&& other) noexcept {
      m_worker = std::exchange(other.m_worker, nullptr);
      return *this;
    }
    Feed(const Feed&) = delete;
    Feed& operator=(const Feed&) = delete;
    ~Feed() = default;
    [[nodiscard]] bool is_open() const noexcept { return m_worker != nullptr; }

  private:
    friend class UploadPool;
    explicit Feed(Worker* worker) noexcept : m_worker(worker) {}
    Worker* m_worker = nullptr;
  };

  // A reader's side: a blob that some repository lacks, then its bytes, then whether the
  // bundle's reader found them right. start() waits for an idle worker.
  [[nodiscard]] Feed start(const std::string& digest, BlobWork& blob, std::uint64_t size);
  // For a blob whose finish() comes only after the caller's next start() (a split entry: its
  // digest is confirmed by the pass, later). Takes an idle worker only while another one stays
  // for start(), so start() never waits for a finish() its own thread has yet to give; a
  // closed Feed when none is free.
  [[nodiscard]] Feed try_start_aside(const std::string& digest, BlobWork& blob, std::uint64_t size);
  void add(Feed& feed, std::span<const std::byte> bytes);
  void finish(Feed& feed, bool is_verified); // closes `feed`

  // Waits until every handed blob is done.
  void wait_idle();
  // The first failure nothing survives (untrusted certificate, refused credentials).
  [[nodiscard]] std::optional<RegistryError> fatal() const;
  [[nodiscard]] BlobCounters& counters() noexcept { return m_counters; }
  // A connection for the sequential work before and after the blobs.
  [[nodiscard]] RegistryClient& client();

private:
  void run(Worker& worker);
  void upload(Worker& worker);
  void fail(Worker& worker, const RegistryError& error) noexcept;
  void stop() noexcept;
  static bool is_idle(const std::unique_ptr<Worker>& worker) noexcept;
  Worker& hand(
      Worker& worker, const std::string& digest, BlobWork& blob, std::uint64_t size, bool is_aside);

  BlobCounters m_counters;
  std::vector<std::unique_ptr<Worker>> m_workers;
  mutable std::mutex m_mutex; // guards every worker's job, m_fatal and m_stopping
  std::condition_variable m_changed;
  std::optional<RegistryError> m_fatal;
  bool m_stopping = false;
};

} // namespace zbundle::registry::detail
