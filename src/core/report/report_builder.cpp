#include "core/report/report_builder.hpp"

#include "core/bundle/model_builder.hpp"
#include "core/bundle/payload_plan.hpp"
#include "core/check/digest_verifier.hpp"
#include "core/check/openpgp_signatures.hpp"
#include "core/pki/certificate_file.hpp"
#include "core/util/error.hpp"

#include <algorithm>
#include <map>

namespace zbundle::report {
namespace {

constexpr std::uint64_t k_json_blob_limit = 4U << 20U; // an image manifest or config
constexpr std::uint64_t k_json_total_limit = 64U << 20U;
constexpr std::int64_t k_seconds_per_day = 86400;

// Keeps the small blobs that may be manifests or configs while the payload streams by, so
// architectures can be told without a second read; the rest of the bytes only pass.
class JsonBlobCollector final : public bundle::EntrySink {
public:
  explicit JsonBlobCollector(oci::ReferenceGraph& graph) : m_graph(graph) {}

  void begin(const bundle::Entry& entry) override {
    m_digest = bundle::blob_digest(entry);
    m_text.clear();
    m_is_kept = m_digest && entry.size <= k_json_blob_limit
                && m_kept_bytes + entry.size <= k_json_total_limit;
  }
  void write(std::span<const std::byte> bytes) override {
    if (!m_is_kept) {
      return;
    }
    if (m_text.empty() && !bytes.empty() && bytes.front() != std::byte{'{'}) {
      m_is_kept = false; // a layer: manifests and configs are JSON objects
      return;
    }
    m_text.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
  void end(const bundle::Entry& /*entry*/, bool is_verified) override {
    if (m_is_kept && is_verified && !m_text.empty()) {
      m_kept_bytes += m_text.size();
      m_graph.add_json(*m_digest, std::move(m_text));
    }
    m_text = {};
  }

private:
  oci::ReferenceGraph& m_graph;
  std::optional<std::string> m_digest;
  std::string m_text;
  bool m_is_kept = false;
  std::uint64_t m_kept_bytes = 0;
};

std::vector<RepositorySize> repository_sizes(const std::vector<model::RepositoryRecord>& records,
                                             const std::vector<bundle::Entry>& entries) {
  std::map<std::string, std::uint64_t> blob_sizes;
  for (const bundle::Entry& entry : entries) {
    if (const std::optional<std::string> digest = bundle::blob_digest(entry)) {
      blob_sizes[*digest] = entry.size;
    }
  }
  std::vector<RepositorySize> sizes;
  for (const model::RepositoryRecord& record : records) {
    RepositorySize size{record.name, record.tags.size(), record.manifests.size(), 0, 0};
    for (const std::set<std::string>* digests : {&record.manifests, &record.blobs}) {
      for (const std::string& digest : *digests) {
        if (const auto found = blob_sizes.find(digest); found != blob_sizes.end()) {
          size.bytes += found->second;
          size.blobs += digests == &record.blobs ? 1 : 0;
        }
      }
    }
    sizes.push_back(std::move(size));
  }
  std::sort(sizes.begin(), sizes.end(), [](const RepositorySize& a, const RepositorySize& b) {
    return a.name < b.name;
  });
  return sizes;
}

std::vector<CertificateLife> certificate_lives(const std::vector<model::CaCertificate>& carried,
                                               std::int64_t now) {
  std::vector<CertificateLife> lives;
  for (const model::CaCertificate& certificate : carried) {
    const std::int64_t seconds_left = pki::parse_time(certificate.not_after) - now;
    lives.push_back({certificate, seconds_left / k_seconds_per_day});
  }
  return lives;
}

// A release's sigstore signature is a tag "sha256-<hex>.sig" beside it in its repository.
bool has_signature_tag(const std::vector<model::RepositoryRecord>& records,
                       const check::ImageStatus& image) {
  if (image.digest.size() <= 7) {
    return false;
  }
  const std::string repository = image.location.substr(0, image.location.find_first_of(":@"));
  const std::string tag = oci::signature_tag_of(image.digest);
  return std::any_of(records.begin(), records.end(), [&](const model::RepositoryRecord& record) {
    return record.name == repository && record.tags.contains(tag);
  });
}

// The OpenPGP release signatures the bundle carries for the cluster; nullopt when its
// ConfigMap does not parse (the page says so rather than failing: it is a report).
std::optional<check::OpenPgpSignatures> carried_openpgp(const bundle::Manifest& model) {
  try {
    return check::openpgp_signatures_in(model.cluster_resources);
  } catch (const Error&) {
    return std::nullopt;
  }
}

} // namespace

Report
report_on_bundle(const std::filesystem::path& path, const bundle::Trust& trust, std::int64_t now) {
  bundle::BundleReader reader(path, trust);
  Report report;
  report.subject = path.string();
  report.is_bundle = true;
  report.signer = reader.signer();
  oci::ReferenceGraph graph;
  JsonBlobCollector collector(graph);
  const bundle::PayloadTotals totals =
      reader.read_payload(&collector, [&report](const model::Problem& problem) {
        report.problems.push_back(problem);
        return model::AfterProblem::keep_reading;
      });
  report.model = reader.manifest();
  report.is_payload_verified = report.problems.empty() && !totals.stopped;
  report.entries = totals.entries;
  report.bytes = totals.bytes;
  report.images = check::locate_images(report.model.images,
                                       check::lookup_in_records(report.model.repositories));
  const std::optional<check::OpenPgpSignatures> openpgp = carried_openpgp(report.model);
  for (check::ImageStatus& image : report.images) {
    if (const auto platforms = graph.platforms_of(image.digest, image.location)) {
      image.platforms.assign(platforms->begin(), platforms->end());
    }
    if (image.category == "release") {
      image.signature = has_signature_tag(report.model.repositories, image) ? "carried" : "none";
      image.release_signature = !openpgp                          ? "unreadable"
                                : openpgp->contains(image.digest) ? "carried"
                                                                  : "none";
    }
  }
  report.repositories = repository_sizes(report.model.repositories, report.model.entries);
  report.certificates = certificate_lives(report.model.ca_certificates, now);
  return report;
}

Report report_on_source(const std::vector<std::filesystem::path>& inputs,
                        const SourceOptions& options) {
  Report report;
  for (const std::filesystem::path& input : inputs) {
    report.subject += (report.subject.empty() ? "" : " ") + input.string();
  }
  bundle::fill_model(report.model, inputs, std::nullopt, 0);
  check::DigestOptions digest_options;
  digest_options.architectures = options.architectures;
  digest_options.with_image_statuses = true;
  digest_options.release_keys = options.release_keys;
  digest_options.release_keyring = options.release_keyring;
  check::DigestReport checked = check::verify_digests(inputs, digest_options);
  report.images = std::move(checked.images);
  report.problems = std::move(checked.problems);
  bundle::PayloadPlan plan = bundle::plan_payload(inputs, {}, {}, {});
  for (const bundle::PlannedEntry& planned : plan.entries) {
    report.model.entries.push_back(planned.entry);
    report.bytes += planned.entry.size;
  }
  report.entries = plan.entries.size();
  report.model.repositories = std::move(plan.repositories);
  report.repositories = repository_sizes(report.model.repositories, report.model.entries);
  if (options.ca) {
    report.model.ca_certificates =
        bundle::carried_certificates(pki::load_certificates(*options.ca), *options.ca);
  }
  report.certificates = certificate_lives(report.model.ca_certificates, options.now);
  return report;
}

} // namespace zbundle::report
