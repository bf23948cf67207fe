#include "core/oci/blob_hasher.hpp"

#include "core/util/error.hpp"
#include "core/util/file_reader.hpp"
#include "core/util/sha256.hpp"

#include <algorithm>
#include <array>
#include <memory>

namespace zbundle::oci {
namespace {

constexpr std::size_t k_chunk_size = std::size_t{1} << 20;
constexpr std::size_t k_inline_limit = std::size_t{64} * 1024;
constexpr std::size_t k_chunks_in_flight = 4;

// Feeds the hasher and keeps the text of small JSON-looking blobs.
class BlobDigest {
public:
  BlobDigest(HashedBlob& blob, std::size_t json_limit)
      : m_blob(blob), m_keep_json(blob.size <= json_limit) {}

  void update(std::span<const char> bytes) {
    m_hasher.update(std::as_bytes(bytes));
    if (m_keep_json) {
      m_blob.json.append(bytes.data(), bytes.size());
    }
    m_total += bytes.size();
  }

  void finish() {
    m_blob.actual = m_hasher.finish();
    m_blob.size = m_total;
    if (m_blob.json.empty() || m_blob.json.front() != '{') {
      m_blob.json.clear();
    }
  }

private:
  HashedBlob& m_blob;
  bool m_keep_json;
  util::Sha256 m_hasher;
  std::uint64_t m_total = 0;
};

} // namespace

BlobHasher::BlobHasher(unsigned jobs, std::size_t json_limit)
    : m_json_limit(json_limit), m_pool(util::WorkPool::worker_count(jobs),
                                       std::size_t{2} * util::WorkPool::worker_count(jobs)) {}

void BlobHasher::record(HashedBlob blob) {
  const std::scoped_lock lock(m_mutex);
  m_done.push_back(std::move(blob));
}

void BlobHasher::hash(std::string subject,
                      std::string name,
                      const walk::TreeEntry& entry,
                      walk::EntryContent& content) {
  HashedBlob blob{std::move(subject), std::move(name), {}, entry.size, {}, {}};
  if (entry.size <= k_inline_limit) {
    // Handing a small blob to a worker costs more (locks, wake-ups) than hashing it here.
    BlobDigest digest(blob, m_json_limit);
    std::array<char, k_inline_limit> buffer{};
    try {
      for (std::size_t got = content.read_some(buffer); got > 0; got = content.read_some(buffer)) {
        digest.update(std::span(buffer.data(), got));
      }
    } catch (const Error& error) {
      if (entry.disk_path.empty()) {
        throw; // the archive stream is broken: the walker reports it
      }
      blob.error = error.what();
      record(std::move(blob));
      return;
    }
    digest.finish();
    record(std::move(blob));
    return;
  }
  if (!entry.disk_path.empty()) {
    m_pool.submit([this, blob = std::move(blob), path = entry.disk_path]() mutable {
      try {
        util::FileReader reader(path);
        BlobDigest digest(blob, m_json_limit);
        // One buffer per worker thread, reused: large reads from page cache cost fewer calls.
        thread_local std::vector<char> buffer(k_chunk_size);
        for (std::size_t got = reader.read_some(buffer); got > 0; got = reader.read_some(buffer)) {
          digest.update(std::span(buffer.data(), got));
        }
        digest.finish();
      } catch (const Error& error) {
        blob.actual.clear();
        blob.error = error.what();
      }
      record(std::move(blob));
    });
    return;
  }
  auto channel = std::make_shared<util::ChunkChannel>(k_chunks_in_flight);
  m_pool.submit([this, blob = std::move(blob), channel]() mutable {
    try {
      BlobDigest digest(blob, m_json_limit);
      for (std::vector<char> chunk; channel->pop(chunk);) {
        digest.update(chunk);
      }
      if (!channel->aborted()) {
        digest.finish();
        record(std::move(blob));
      }
    } catch (...) {
      channel->abort(); // releases the producer, who would wait for room forever
      throw;            // kept by the pool, rethrown by finish()
    }
  });
  try {
    std::uint64_t remaining = entry.size;
    while (true) {
      // Sized to what is left, so small blobs do not cost a megabyte each.
      std::vector<char> chunk(
          std::clamp<std::uint64_t>(remaining + 1, k_inline_limit, k_chunk_size));
      const std::size_t got = content.read_some(chunk);
      if (got == 0) {
        break;
      }
      chunk.resize(got);
      remaining -= std::min<std::uint64_t>(remaining, got);
      channel->push(std::move(chunk));
    }
    channel->close();
  } catch (...) {
    channel->abort();
    throw;
  }
}

std::vector<HashedBlob> BlobHasher::finish() {
  m_pool.wait();
  const std::scoped_lock lock(m_mutex);
  std::vector<HashedBlob> done = std::move(m_done);
  m_done.clear();
  std::sort(done.begin(), done.end(), [](const HashedBlob& a, const HashedBlob& b) {
    return a.subject < b.subject;
  });
  return done;
}

} // namespace zbundle::oci
