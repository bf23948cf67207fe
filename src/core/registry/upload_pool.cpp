#include "core/registry/upload_pool.hpp"

#include <algorithm>

namespace zbundle::registry::detail {
namespace {

// Chunks (of the reader's 1 MiB) queued per worker: enough to keep a connection busy while
// the reader decompresses, little enough that jobs x queue stays a few MiB.
constexpr std::size_t k_queue_chunks = 4;

} // namespace

struct UploadPool::Worker {
  Worker(const Endpoint& endpoint, const std::optional<std::string>& auth)
      : client(endpoint, auth) {}

  RegistryClient client;
  std::jthread thread;
  // The job, guarded by the pool's mutex.
  bool has_job = false;
  bool is_running = false;
  std::string digest;
  BlobWork* blob = nullptr;
  std::uint64_t size = 0;
  std::deque<std::vector<std::byte>> chunks;
  bool is_ended = false; // the reader gave every byte
  bool is_verified = false;
  bool is_discarding = false; // the worker wants no more bytes
  bool is_aside = false;      // fed by try_start_aside()
};

bool UploadPool::is_idle(const std::unique_ptr<Worker>& worker) noexcept {
  return !worker->has_job;
}

UploadPool::UploadPool(unsigned jobs,
                       const Endpoint& endpoint,
                       const std::optional<std::string>& auth) {
  for (unsigned i = 0; i < std::max(jobs, 1U); ++i) {
    m_workers.push_back(std::make_unique<Worker>(endpoint, auth));
  }
  try {
    for (const auto& worker : m_workers) {
      worker->thread = std::jthread([this, &one = *worker] { run(one); });
    }
  } catch (...) {
    stop(); // the threads that did start wait for work; joined, they would wait forever
    throw;
  }
}

UploadPool::~UploadPool() {
  stop();
}

void UploadPool::stop() noexcept {
  {
    const std::scoped_lock lock(m_mutex);
    m_stopping = true;
  }
  m_changed.notify_all();
  for (const auto& worker : m_workers) {
    if (worker->thread.joinable()) {
      worker->thread.join();
    }
  }
}

// Called with m_mutex held.
UploadPool::Worker& UploadPool::hand(
    Worker& worker, const std::string& digest, BlobWork& blob, std::uint64_t size, bool is_aside) {
  worker.digest = digest; // may throw: the worker is not yet taken
  worker.has_job = true;
  worker.blob = &blob;
  worker.size = size;
  worker.chunks.clear();
  worker.is_ended = false;
  worker.is_verified = false;
  worker.is_discarding = false;
  worker.is_aside = is_aside;
  m_changed.notify_all();
  return worker;
}

UploadPool::Feed UploadPool::start(const std::string& digest, BlobWork& blob, std::uint64_t size) {
  std::unique_lock lock(m_mutex);
  m_changed.wait(lock, [&] { return std::any_of(m_workers.begin(), m_workers.end(), is_idle); });
  return Feed(&hand(
      **std::find_if(m_workers.begin(), m_workers.end(), is_idle), digest, blob, size, false));
}

UploadPool::Feed
UploadPool::try_start_aside(const std::string& digest, BlobWork& blob, std::uint64_t size) {
  const std::scoped_lock lock(m_mutex);
  const auto aside = std::count_if(
      m_workers.begin(), m_workers.end(), [](const auto& worker) { return worker->is_aside; });
  const auto idle = std::find_if(m_workers.begin(), m_workers.end(), is_idle);
  if (idle == m_workers.end() || static_cast<std::size_t>(aside) + 1 >= m_workers.size()) {
    return {};
  }
  return Feed(&hand(**idle, digest, blob, size, true));
}

void UploadPool::add(Feed& feed, std::span<const std::byte> bytes) {
  if (!feed.is_open()) {
    return;
  }
  std::vector<std::byte> chunk(bytes.begin(), bytes.end()); // the reader reuses its buffer
  std::unique_lock lock(m_mutex);
  Worker& worker = *feed.m_worker;
  m_changed.wait(lock,
                 [&] { return worker.is_discarding || worker.chunks.size() < k_queue_chunks; });
  if (!worker.is_discarding) {
    worker.chunks.push_back(std::move(chunk));
    m_changed.notify_all();
  }
}

void UploadPool::finish(Feed& feed, bool is_verified) {
  if (!feed.is_open()) {
    return;
  }
  const std::scoped_lock lock(m_mutex);
  feed.m_worker->is_ended = true;
  feed.m_worker->is_verified = is_verified;
  feed.m_worker = nullptr;
  m_changed.notify_all();
}

void UploadPool::wait_idle() {
  std::unique_lock lock(m_mutex);
  m_changed.wait(lock, [&] {
    return std::none_of(
        m_workers.begin(), m_workers.end(), [](const auto& worker) { return worker->has_job; });
  });
}

std::optional<RegistryError> UploadPool::fatal() const {
  const std::scoped_lock lock(m_mutex);
  return m_fatal;
}

RegistryClient& UploadPool::client() {
  return m_workers.front()->client;
}

void UploadPool::run(Worker& worker) {
  std::unique_lock lock(m_mutex);
  while (true) {
    m_changed.wait(lock, [&] { return m_stopping || (worker.has_job && !worker.is_running); });
    if (m_stopping) {
      return;
    }
    worker.is_running = true;
    lock.unlock();
    upload(worker);
    lock.lock();
    worker.is_running = false;
    worker.has_job = false;
    worker.is_aside = false; // idle workers are not counted as aside
    worker.chunks.clear();
    m_changed.notify_all();
  }
}

// One blob: HEAD and mounts first; its bytes only to a repository that still lacks it, and
// the upload committed only when the reader verified them. Failures stay with the blob.
void UploadPool::upload(Worker& worker) {
  BlobWork& blob = *worker.blob;
  const auto discard = [&] { // the reader's bytes are no longer wanted; wait for the last
    std::unique_lock lock(m_mutex);
    worker.is_discarding = true;
    worker.chunks.clear();
    m_changed.notify_all();
    m_changed.wait(lock, [&] { return worker.is_ended || m_stopping; });
  };
  try {
    find_or_mount_blob(worker.client, worker.digest, blob, m_counters);
    if (blob.pending.empty() || fatal()) {
      discard();
      return;
    }
    worker.client.begin_upload(blob.pending.front(), worker.size);
    bool is_verified = false;
    while (true) {
      std::unique_lock lock(m_mutex);
      m_changed.wait(lock, [&] { return !worker.chunks.empty() || worker.is_ended || m_stopping; });
      if (m_stopping || worker.chunks.empty()) {
        is_verified = worker.is_ended && worker.is_verified && !m_stopping;
        break;
      }
      const std::vector<std::byte> chunk = std::move(worker.chunks.front());
      worker.chunks.pop_front();
      m_changed.notify_all();
      lock.unlock();
      worker.client.write(chunk);
    }
    if (!is_verified) {
      worker.client.abort();
      blob.failure = RegistryError(
          "its bytes do not match the bundle's manifest; the upload was dropped", Failure::refused);
      return;
    }
    worker.client.commit(worker.digest);
    m_counters.uploaded += 1;
    m_counters.bytes += worker.size;
    blob.source = blob.pending.front();
    blob.pending.erase(blob.pending.begin());
    find_or_mount_blob(worker.client, worker.digest, blob, m_counters);
  } catch (const RegistryError& error) {
    fail(worker, error);
  } catch (const std::exception& error) { // total (STYLE 4b): nothing leaves the thread
    fail(worker, RegistryError(error.what(), Failure::fatal));
  } catch (...) {
    fail(worker, RegistryError("the upload failed for an unknown reason", Failure::fatal));
  }
}

// The blob keeps its failure; a fatal one stops the run; the reader is let go of its bytes.
void UploadPool::fail(Worker& worker, const RegistryError& error) noexcept {
  worker.client.abort();
  worker.blob->failure = error;
  std::unique_lock lock(m_mutex);
  if (error.failure() == Failure::fatal && !m_fatal) {
    m_fatal = error;
  }
  worker.is_discarding = true;
  worker.chunks.clear();
  m_changed.notify_all();
  m_changed.wait(lock, [&] { return worker.is_ended || m_stopping; });
}

} // namespace zbundle::registry::detail
