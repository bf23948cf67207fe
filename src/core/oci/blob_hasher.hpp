#pragma once

// Hashes blobs on every core while the oc-mirror walker keeps reading: a blob on disk is read
// and hashed by a worker; a blob inside an archive is handed over in chunks (the archive is a
// stream and must be read in order), a few chunks in flight per blob. Small blobs that look
// like JSON are kept, since manifests and configs are parsed afterwards.

#include "core/util/work_pool.hpp"
#include "core/walk/tree_walker.hpp"

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace zbundle::oci {

struct HashedBlob {
  std::string subject; // the file, or "<archive>: <entry>"
  std::string name;    // the digest the blob is stored under
  std::string actual;  // the digest of its content; empty when it could not be read
  std::uint64_t size = 0;
  std::string json;  // the content, when small and starting with '{'
  std::string error; // why it could not be read
};

class BlobHasher {
public:
  // `jobs` hashing threads (0 = one per core); `json_limit`: largest blob kept as text.
  BlobHasher(unsigned jobs, std::size_t json_limit);

  // Hashes the entry being visited. Archive entries are read here (the caller's thread);
  // on-disk files are read by a worker. Throws what reading the archive throws.
  void hash(std::string subject,
            std::string name,
            const walk::TreeEntry& entry,
            walk::EntryContent& content);

  // Waits for every blob; results sorted by subject, so reports are deterministic.
  [[nodiscard]] std::vector<HashedBlob> finish();

private:
  void record(HashedBlob blob);

  std::size_t m_json_limit;
  std::mutex m_mutex;
  std::vector<HashedBlob> m_done;
  util::WorkPool m_pool; // last: its workers stop before the members they use go away
};

} // namespace zbundle::oci
