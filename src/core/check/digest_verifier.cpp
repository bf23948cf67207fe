#include "core/check/digest_verifier.hpp"

#include "core/check/collected_images.hpp"
#include "core/check/release_signatures.hpp"
#include "core/ics/image_ref.hpp"
#include "core/oci/blob_hasher.hpp"
#include "core/oci/storage_walker.hpp"
#include "core/ocmirror/derive_sources.hpp"
#include "core/ocmirror/reader.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <algorithm>

namespace zbundle::check {
namespace {

namespace fs = std::filesystem;
using util::str_cat;

constexpr std::size_t k_json_blob_limit = std::size_t{4} << 20; // manifests and configs are small

// "verified", or the kind of the problem found with a signature.
std::string verdict_name(const std::optional<model::Problem>& problem) {
  return problem ? std::string(model::problem_kind_name(problem->kind)) : "verified";
}

// Hashes every blob of the inputs and records what tags and revisions reference.
class Verifier final : public oci::StorageHandler {
public:
  explicit Verifier(unsigned jobs) : m_hasher(jobs, k_json_blob_limit) {}

  void on_blob(const std::string& subject,
               const std::string& digest,
               const walk::TreeEntry& entry,
               walk::EntryContent& content) override {
    m_hasher.hash(subject, digest, entry, content);
  }
  void on_tag(oci::StoredTag tag) override { m_graph.add_tag(std::move(tag)); }
  void on_revision(const std::string& repository, const std::string& digest) override {
    m_graph.add_revision(repository, digest);
  }
  void on_other(const std::string& /*subject*/,
                const walk::TreeEntry& /*entry*/,
                walk::EntryContent& /*content*/) override {}
  void on_problem(model::Problem problem) override {
    m_report.problems.push_back(std::move(problem));
  }

  void finish(const DigestOptions& options) {
    for (oci::HashedBlob& blob : m_hasher.finish()) {
      m_report.blob_count += 1;
      m_report.blob_bytes += blob.size;
      if (blob.actual.empty()) {
        on_problem({model::ProblemKind::unreadable, blob.subject, "a readable blob", blob.error});
      } else if (blob.actual != blob.name) {
        on_problem({model::ProblemKind::digest_mismatch, blob.subject, blob.name, blob.actual});
      } else { // only verified content is referenced as present
        m_graph.add_blob(blob.name, blob.size);
        if (!blob.json.empty()) {
          m_graph.add_json(blob.name, std::move(blob.json));
        }
      }
    }
    for (model::Problem& problem : m_graph.check(options.architectures)) {
      m_report.problems.push_back(std::move(problem));
    }
    m_report.tag_count = m_graph.tag_count();
    m_report.manifest_count = m_graph.manifest_count();
    for (const auto& [name, repository] : m_graph.repositories()) {
      m_report.signature_count += static_cast<std::uint64_t>(
          std::count_if(repository.tags.begin(), repository.tags.end(), [](const auto& tag) {
            return oci::is_signature_tag(tag.first);
          }));
    }
  }

  void report_unreadable_records(const std::string& why) {
    if (m_report.problems.empty()) {
      m_report.problems.emplace_back(model::ProblemKind::unreadable,
                                     "oc-mirror records",
                                     "records that name the mirrored images",
                                     why);
    }
  }

  [[nodiscard]] bool has_unreadable_input() const {
    return std::any_of(
        m_report.problems.begin(), m_report.problems.end(), [](const model::Problem& p) {
          return p.kind == model::ProblemKind::unreadable;
        });
  }

  // Every image the oc-mirror run collected must be where oc-mirror pushes it. Call after
  // finish().
  void check_collected_images(const ocmirror::MirrorContent& content,
                              const DigestOptions& options) {
    const std::vector<model::CollectedImage> collected(content.collected_images.begin(),
                                                       content.collected_images.end());
    CollectedImagesReport images =
        check::check_collected_images(collected, lookup_in(m_graph.repositories()));
    m_report.image_count += images.found;
    std::move(images.missing.begin(), images.missing.end(), std::back_inserter(m_report.problems));
    if (options.with_image_statuses) {
      const OpenPgpSignatures openpgp = openpgp_signatures_in(std::vector<model::ClusterResource>(
          content.cluster_resources.begin(), content.cluster_resources.end()));
      const std::vector<ReleaseSignature> signatures =
          judge_release_signatures(m_graph,
                                   {options.architectures.release_repository,
                                    options.release_keys,
                                    &openpgp,
                                    options.release_keyring});
      m_report.images = image_statuses(collected, signatures);
      for (const ReleaseSignature& signature : signatures) { // as create's seal gate judges them
        for (const std::optional<model::Problem>& problem :
             {signature.problem, signature.openpgp}) {
          if (problem) {
            m_report.problems.push_back(*problem);
          }
        }
      }
    }
  }

  DigestReport take_report() { return std::move(m_report); }

  // Where each collected image is, what it holds and carries, and for a release its signature.
  std::vector<ImageStatus> image_statuses(const std::vector<model::CollectedImage>& images,
                                          const std::vector<ReleaseSignature>& signatures) const {
    std::vector<ImageStatus> statuses = locate_images(images, lookup_in(m_graph.repositories()));
    for (ImageStatus& status : statuses) {
      if (const auto platforms = m_graph.platforms_of(status.digest, status.location)) {
        status.platforms.assign(platforms->begin(), platforms->end());
      }
      for (const ReleaseSignature& signature : signatures) {
        if (status.category == model::category_name(model::ImageCategory::release)
            && signature.digest == status.digest) {
          status.signature = verdict_name(signature.problem);
          status.release_signature = verdict_name(signature.openpgp);
        }
      }
    }
    return statuses;
  }

  oci::ReferenceGraph& graph() noexcept { return m_graph; }

private:
  oci::BlobHasher m_hasher;
  oci::ReferenceGraph m_graph;
  DigestReport m_report;
};

// A --base input: only the names of its blobs count.
class BaseBlobs final : public oci::StorageHandler {
public:
  explicit BaseBlobs(oci::ReferenceGraph& graph) : m_graph(graph) {}
  void on_blob(const std::string& /*subject*/,
               const std::string& digest,
               const walk::TreeEntry& /*entry*/,
               walk::EntryContent& /*content*/) override {
    m_graph.add_base_blob(digest);
  }
  void on_tag(oci::StoredTag /*tag*/) override {}
  void on_revision(const std::string& /*repository*/, const std::string& /*digest*/) override {}
  void on_other(const std::string& /*subject*/,
                const walk::TreeEntry& /*entry*/,
                walk::EntryContent& /*content*/) override {}
  void on_problem(model::Problem /*problem*/) override {}

private:
  oci::ReferenceGraph& m_graph;
};

} // namespace

DigestReport verify_digests(const std::vector<fs::path>& inputs, const DigestOptions& options) {
  if (inputs.empty()) {
    throw Error(ErrorKind::usage, "no input: name at least one mirror (directory or archive)");
  }
  Verifier verifier(options.jobs);
  BaseBlobs base(verifier.graph());
  for (const fs::path& input : options.base) {
    oci::walk_storage(ocmirror::plan_input(input, {}).walk_plan(), input.string(), base);
  }
  for (const fs::path& input : inputs) {
    oci::walk_storage(ocmirror::plan_input(input, {}).walk_plan(), input.string(), verifier);
  }
  verifier.finish(options);
  if (!verifier.has_unreadable_input()) { // else the run's records cannot be read either
    try {
      verifier.check_collected_images(ocmirror::read_mirror(inputs, {}), options);
    } catch (const Error& error) {
      if (error.kind() != ErrorKind::input) {
        throw;
      }
      // A record the reader refuses (a malformed link, broken YAML): the images the run
      // names cannot be told. Said once, unless the walk's problems explain it already.
      verifier.report_unreadable_records(error.what());
    }
  }
  return verifier.take_report();
}

} // namespace zbundle::check
