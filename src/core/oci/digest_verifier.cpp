#include "core/oci/digest_verifier.hpp"

#include "core/oci/blob_hasher.hpp"
#include "core/oci/storage_walker.hpp"
#include "core/util/error.hpp"

namespace zbundle::oci {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t k_json_blob_limit = std::size_t{4} << 20; // manifests and configs are small

// Hashes every blob of the inputs and records what tags and revisions reference.
class Verifier final : public StorageHandler {
public:
  explicit Verifier(unsigned jobs) : m_hasher(jobs, k_json_blob_limit) {}

  void on_blob(const std::string& subject,
               const std::string& digest,
               const ocmirror::TreeEntry& entry,
               ocmirror::EntryContent& content) override {
    m_hasher.hash(subject, digest, entry, content);
  }
  void on_tag(StoredTag tag) override { m_graph.add_tag(std::move(tag)); }
  void on_revision(const std::string& repository, const std::string& digest) override {
    m_graph.add_revision(repository, digest);
  }
  void on_other(const std::string& /*subject*/,
                const ocmirror::TreeEntry& /*entry*/,
                ocmirror::EntryContent& /*content*/) override {}
  void on_problem(Problem problem) override { m_report.problems.push_back(std::move(problem)); }

  DigestReport finish(const DigestOptions& options) {
    for (HashedBlob& blob : m_hasher.finish()) {
      m_report.blob_count += 1;
      m_report.blob_bytes += blob.size;
      if (blob.actual.empty()) {
        on_problem({ProblemKind::unreadable, blob.subject, "a readable blob", blob.error});
      } else if (blob.actual != blob.name) {
        on_problem({ProblemKind::digest_mismatch, blob.subject, blob.name, blob.actual});
      } else { // only verified content is referenced as present
        m_graph.add_blob(blob.name, blob.size);
        if (!blob.json.empty()) {
          m_graph.add_json(blob.name, std::move(blob.json));
        }
      }
    }
    for (Problem& problem : m_graph.check(options.required_architectures)) {
      m_report.problems.push_back(std::move(problem));
    }
    m_report.tag_count = m_graph.tag_count();
    m_report.manifest_count = m_graph.manifest_count();
    return std::move(m_report);
  }

  ReferenceGraph& graph() noexcept { return m_graph; }

private:
  BlobHasher m_hasher;
  ReferenceGraph m_graph;
  DigestReport m_report;
};

// A --base input: only the names of its blobs count.
class BaseBlobs final : public StorageHandler {
public:
  explicit BaseBlobs(ReferenceGraph& graph) : m_graph(graph) {}
  void on_blob(const std::string& /*subject*/,
               const std::string& digest,
               const ocmirror::TreeEntry& /*entry*/,
               ocmirror::EntryContent& /*content*/) override {
    m_graph.add_base_blob(digest);
  }
  void on_tag(StoredTag /*tag*/) override {}
  void on_revision(const std::string& /*repository*/, const std::string& /*digest*/) override {}
  void on_other(const std::string& /*subject*/,
                const ocmirror::TreeEntry& /*entry*/,
                ocmirror::EntryContent& /*content*/) override {}
  void on_problem(Problem /*problem*/) override {}

private:
  ReferenceGraph& m_graph;
};

} // namespace

DigestReport verify_digests(const std::vector<fs::path>& inputs, const DigestOptions& options) {
  if (inputs.empty()) {
    throw Error(ErrorKind::usage, "no input: name at least one mirror (directory or archive)");
  }
  Verifier verifier(options.jobs);
  BaseBlobs base(verifier.graph());
  for (const fs::path& input : options.base) {
    walk_storage(input, base);
  }
  for (const fs::path& input : inputs) {
    walk_storage(input, verifier);
  }
  return verifier.finish(options);
}

} // namespace zbundle::oci
