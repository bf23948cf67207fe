#include "core/registry/push.hpp"

#include "core/bundle/applied_history.hpp"
#include "core/bundle/sequence.hpp"
#include "core/registry/push_left_out.hpp"
#include "core/registry/push_state.hpp"
#include "core/registry/upload_pool.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/text_file.hpp"

#include <chrono>
#include <mutex>
#include <thread>

namespace zbundle::registry {
namespace {

using detail::BlobWork;
using detail::PushState;
using util::str_cat;

constexpr std::size_t k_ca_file_limit = std::size_t{1} << 20;

// Every blob and manifest each repository needs, from the signed model.
PushState plan(const bundle::Manifest& manifest, const PushOptions& options, PushResult& result) {
  const ics::MirrorName& target = options.target;
  PushState state(options.scratch_dir);
  std::map<std::string, std::string> sources; // destination -> the repository pushed there
  for (const model::RepositoryRecord& record : manifest.repositories) {
    const std::string name = detail::destination(target, record.name, manifest.max_nested_paths);
    if (const auto [found, added] = sources.emplace(name, record.name); !added) {
      throw Error(ErrorKind::input,
                  str_cat("repositories ",
                          found->second,
                          " and ",
                          record.name,
                          " would both be pushed to ",
                          name,
                          " (the bundle's --max-nested-paths ",
                          manifest.max_nested_paths,
                          ")"));
    }
    for (const std::string& digest : record.blobs) {
      state.blobs[digest].pending.push_back(name);
      ++result.blobs_planned;
    }
    state.manifest_digests.insert(record.manifests.begin(), record.manifests.end());
  }
  for (std::size_t position = 0; position < manifest.entries.size(); ++position) {
    const bundle::Entry& entry = manifest.entries[position];
    if (const std::optional<std::string> digest = bundle::blob_digest(entry)) {
      if (const auto found = state.blobs.find(*digest); found != state.blobs.end()) {
        found->second.size = entry.size;
        found->second.entry = position;
        result.bytes_planned += entry.size * found->second.pending.size();
      }
    }
  }
  result.repositories = manifest.repositories.size();
  return state;
}

// Receives the payload as the reader verifies it: hands the blobs repositories lack to the
// upload pool, parks the manifests. A failed blob is remembered; the stream goes on. Big blobs
// the bundle's frame readers take (split) are uploaded beside the pass's own.
class PushSink final : public bundle::EntrySink {
public:
  PushSink(PushState& state, detail::UploadPool& uploads, const PushOptions& options)
      : m_state(state), m_uploads(uploads), m_progress(options.progress) {}

  // Bytes of the payload seen in this read, for the progress line.
  void restart(std::uint64_t total) {
    const std::scoped_lock lock(m_progress_mutex);
    m_done = 0;
    m_total = total;
  }

  void begin(const bundle::Entry& entry) override {
    m_is_manifest = false;
    const std::optional<std::string> digest = bundle::blob_digest(entry);
    if (!digest) {
      return;
    }
    if (m_state.manifest_digests.contains(*digest) && !m_state.manifests.holds(*digest)) {
      m_is_manifest = true;
      m_state.manifests.begin(*digest);
    }
    if (BlobWork* blob = to_upload(*digest)) {
      m_feed = m_uploads.start(*digest, *blob, entry.size);
    }
  }

  void write(std::span<const std::byte> bytes) override {
    if (m_is_manifest) {
      m_state.manifests.write(bytes);
    }
    m_uploads.add(m_feed, bytes);
    count(bytes.size());
  }

  void end(const bundle::Entry& /*entry*/, bool is_verified) override {
    if (m_is_manifest) {
      m_state.manifests.end(is_verified);
    }
    m_uploads.finish(m_feed, is_verified);
  }

  // A blob read on a frame reader: uploaded beside the pass's blob when a worker is free;
  // manifests stay in order (one store parks them).
  std::unique_ptr<bundle::EntrySink> split(const bundle::Entry& entry) override {
    const std::optional<std::string> digest = bundle::blob_digest(entry);
    if (!digest || m_state.manifest_digests.contains(*digest)) {
      return nullptr;
    }
    detail::UploadPool::Feed feed;
    if (BlobWork* blob = to_upload(*digest)) {
      feed = m_uploads.try_start_aside(*digest, *blob, entry.size);
      if (!feed.is_open()) {
        return nullptr; // every spare worker is busy: the pass reads it
      }
    }
    return std::make_unique<AsideSink>(*this, std::move(feed));
  }

private:
  // One blob's bytes from a frame reader's thread; its end() on the pass's.
  class AsideSink final : public bundle::EntrySink {
  public:
    AsideSink(PushSink& owner, detail::UploadPool::Feed feed)
        : m_owner(owner), m_feed(std::move(feed)) {}
    AsideSink(const AsideSink&) = delete;
    AsideSink& operator=(const AsideSink&) = delete;
    ~AsideSink() override {
      try {
        m_owner.m_uploads.finish(m_feed, false); // not ended: the worker lets it go unsent
      } catch (...) { // NOLINT(bugprone-empty-catch): a lock that fails leaves nothing to do
      }
    }
    void begin(const bundle::Entry& /*entry*/) override {} // split() handed it already
    void write(std::span<const std::byte> bytes) override {
      m_owner.m_uploads.add(m_feed, bytes);
      m_owner.count(bytes.size());
    }
    void end(const bundle::Entry& /*entry*/, bool is_verified) override {
      m_owner.m_uploads.finish(m_feed, is_verified);
    }

  private:
    PushSink& m_owner;
    detail::UploadPool::Feed m_feed;
  };

  // The blob `digest` when some repository still lacks it and the run goes on; marked as
  // being in the bundle, its last failure forgotten.
  BlobWork* to_upload(const std::string& digest) {
    const auto found = m_state.blobs.find(digest);
    if (found == m_state.blobs.end() || found->second.pending.empty() || m_uploads.fatal()) {
      return nullptr;
    }
    found->second.is_in_bundle = true;
    found->second.failure.reset();
    return &found->second;
  }

  void count(std::size_t bytes) { // from the pass and the frame readers
    const std::scoped_lock lock(m_progress_mutex);
    m_done += bytes;
    if (m_progress) {
      m_progress(m_done, m_total);
    }
  }

  PushState& m_state;
  detail::UploadPool& m_uploads;
  detail::UploadPool::Feed m_feed; // the pass's blob
  bool m_is_manifest = false;
  const std::function<void(std::uint64_t, std::uint64_t)>& m_progress;
  std::mutex m_progress_mutex; // guards m_done, m_total and the calls of m_progress
  std::uint64_t m_done = 0;
  std::uint64_t m_total = 0;
};

Endpoint endpoint_for(const PushOptions& options, const bundle::Manifest& manifest) {
  std::string ca_pem;
  if (!options.ca.empty()) {
    ca_pem = util::read_text_file(options.ca, k_ca_file_limit);
  } else {
    for (const model::CaCertificate& certificate : manifest.ca_certificates) {
      ca_pem += certificate.pem;
    }
  }
  return registry_endpoint(
      options.target, options.insecure_http, options.connect_address, std::move(ca_pem));
}

std::optional<std::string> credentials_for(const PushOptions& options) {
  return options.authfile.empty()
             ? std::nullopt
             : read_registry_auth(options.authfile, options.target.auth_file_key());
}

// The blobs whose last try failed on a 5xx or a broken connection, and their bytes.
std::pair<std::vector<BlobWork*>, std::uint64_t> transient_failures(PushState& state) {
  std::vector<BlobWork*> blobs;
  std::uint64_t bytes = 0;
  for (auto& [digest, blob] : state.blobs) {
    if (blob.entry && blob.failure && blob.failure->failure() == Failure::transient) {
      blobs.push_back(&blob);
      bytes += blob.size;
    }
  }
  return {blobs, bytes};
}

void wait_for_uploads(detail::UploadPool& uploads) {
  uploads.wait_idle();
  if (const std::optional<RegistryError> fatal = uploads.fatal()) {
    throw *fatal;
  }
}

// Streams the bundle once, then retries what failed transiently by reading just those blobs
// again through the index, as often as `attempts` allows. Problems of the bundle itself
// (a digest that does not match, also when read again) are collected.
void push_blobs(const PushOptions& options,
                bundle::BundleReader& reader,
                PushState& state,
                detail::UploadPool& uploads,
                PushResult& result) {
  PushSink sink(state, uploads, options);
  const auto collect = [&state](const model::Problem& problem) {
    state.problems.push_back(model::to_text(problem));
    return model::AfterProblem::keep_reading;
  };
  sink.restart(reader.manifest().total_bytes());
  (void)reader.read_payload(&sink, collect);
  wait_for_uploads(uploads);
  for (unsigned attempt = 1; attempt < options.retry.attempts; ++attempt) {
    const auto [retries, bytes] = transient_failures(state);
    if (retries.empty()) {
      break;
    }
    std::this_thread::sleep_for(
        std::chrono::seconds(options.retry.backoff_seconds << (attempt - 1)));
    sink.restart(bytes);
    std::vector<BlobWork*> unreadable;
    for (BlobWork* blob : retries) {
      if (!reader.reread_entry(*blob->entry, sink, collect)) {
        unreadable.push_back(blob);
      }
      result.blobs_reread += 1;
      result.bytes_reread += blob->size;
    }
    wait_for_uploads(uploads); // the workers are done with these blobs
    for (BlobWork* blob : unreadable) {
      blob->failure = RegistryError(
          "not retried: its bytes in the bundle no longer match the manifest (see above)",
          Failure::refused);
    }
  }
  for (auto& [digest, blob] : state.blobs) { // mounted from where require_left_out found it
    if (!blob.is_in_bundle && !blob.pending.empty()) {
      try {
        detail::find_or_mount_blob(uploads.client(), digest, blob, uploads.counters());
      } catch (const RegistryError& error) {
        blob.failure = error;
      }
    }
  }
}

void refuse_other_mirror(const PushOptions& options, const bundle::Manifest& manifest) {
  if (!manifest.mirror || options.rewrite) {
    return;
  }
  const std::string bundle_mirror = ics::parse_mirror_name(*manifest.mirror).location();
  if (bundle_mirror != options.target.location()) {
    throw Error(ErrorKind::usage,
                str_cat("--to ",
                        options.target.location(),
                        ": the bundle's artifacts were rendered for ",
                        bundle_mirror,
                        "; push there, or add --rewrite and render them again with apply "
                        "--mirror"));
  }
}

} // namespace

void detail::find_or_mount_blob(RegistryClient& client,
                                const std::string& digest,
                                BlobWork& blob,
                                BlobCounters& counters) {
  std::vector<std::string> lacking;
  for (const std::string& repository : blob.pending) {
    if (client.has_blob(repository, digest)) {
      counters.present += 1;
      blob.source = blob.source.empty() ? repository : blob.source;
    } else if (!blob.source.empty() && client.mount_blob(repository, digest, blob.source)) {
      counters.mounted += 1;
    } else {
      lacking.push_back(repository);
    }
  }
  blob.pending = std::move(lacking);
}

PushResult push_bundle(const PushOptions& options) {
  bundle::BundleReader reader(options.bundle, options.trust); // the signature, before anything
  const bundle::Manifest& manifest = reader.manifest();
  refuse_other_mirror(options, manifest);
  const bundle::BundleSequence sequence(
      options.state_dir, options.trust, manifest, str_cat("push:", options.target.location()));
  (void)sequence.check(manifest, options.allow_rollback, options.bundle.string());
  PushResult result;
  result.bundle_id = manifest.bundle_id;
  result.target = options.target.location();
  PushState state = plan(manifest, options, result);
  if (options.dry_run) {
    return result;
  }
  detail::UploadPool uploads(
      options.jobs, endpoint_for(options, manifest), credentials_for(options));
  uploads.client().check_api();
  detail::require_left_out(manifest, options, uploads, state);
  push_blobs(options, reader, state, uploads, result);
  detail::push_manifests(manifest, options.target, options.retry, state, uploads.client(), result);
  const detail::BlobCounters& counters = uploads.counters();
  result.blobs_uploaded = counters.uploaded;
  result.blobs_mounted = counters.mounted;
  result.blobs_present = counters.present;
  result.bytes_uploaded = counters.bytes;
  std::vector<std::string> failures = std::move(state.problems);
  for (const auto& [digest, blob] : state.blobs) {
    for (const std::string& repository : blob.pending) {
      failures.push_back(str_cat(repository,
                                 "@",
                                 digest,
                                 ": ",
                                 blob.failure        ? blob.failure->what()
                                 : blob.is_in_bundle ? "not uploaded"
                                 : blob.entry
                                     ? "not uploaded: the bundle could not be read up to it"
                                     : "not in this bundle (left out for a base bundle or a "
                                       "receipt) and not in the registry"));
    }
  }
  failures.insert(failures.end(), result.failures.begin(), result.failures.end());
  result.failures = std::move(failures);
  if (result.failures.empty()) {
    sequence.record(manifest); // only a complete push moves the registry's sequence on
    bundle::record_applied(
        options.state_dir, str_cat("push:", options.target.location()), manifest);
  }
  return result;
}

} // namespace zbundle::registry
