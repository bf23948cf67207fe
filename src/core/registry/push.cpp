#include "core/registry/push.hpp"

#include "core/registry/push_state.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/text_file.hpp"

#include <chrono>
#include <thread>

namespace zbundle::registry {
namespace {

using detail::BlobWork;
using detail::PushState;
using util::str_cat;

constexpr std::string_view k_blob_prefix = "registry/docker/registry/v2/blobs/sha256/";
constexpr std::size_t k_ca_file_limit = std::size_t{1} << 20;

// "sha256:<hex>" of a registry blob entry, or nullopt for other entries.
std::optional<std::string> blob_digest(const bundle::Entry& entry) {
  if (!entry.path.starts_with(k_blob_prefix) || !entry.path.ends_with("/data")) {
    return std::nullopt;
  }
  return str_cat("sha256:", entry.sha256.hex());
}

// Every blob and manifest each repository needs, from the signed model.
PushState
plan(const bundle::Manifest& manifest, const ics::MirrorName& target, PushResult& result) {
  PushState state;
  for (const bundle::RepositoryRecord& record : manifest.repositories) {
    const std::string name = detail::destination(target, record.name);
    for (const std::string& digest : record.blobs) {
      state.blobs[digest].pending.push_back(name);
      ++result.blobs_planned;
    }
    state.manifest_digests.insert(record.manifests.begin(), record.manifests.end());
  }
  for (const bundle::Entry& entry : manifest.entries) {
    if (const std::optional<std::string> digest = blob_digest(entry)) {
      if (const auto found = state.blobs.find(*digest); found != state.blobs.end()) {
        found->second.size = entry.size;
        result.bytes_planned += entry.size * found->second.pending.size();
      }
    }
  }
  result.repositories = manifest.repositories.size();
  return state;
}

// Receives the payload as the reader verifies it: uploads the blobs repositories lack, parks
// the manifests. A failed blob is remembered and its bytes ignored; the stream goes on.
class PushSink final : public bundle::EntrySink {
public:
  PushSink(PushState& state, RegistryClient& client, PushResult& result)
      : m_state(state), m_client(client), m_result(result) {}

  void begin(const bundle::Entry& entry) override {
    m_blob = nullptr;
    m_is_manifest = false;
    const std::optional<std::string> digest = blob_digest(entry);
    if (!digest || m_fatal) {
      return;
    }
    if (m_state.manifest_digests.contains(*digest) && !m_state.manifests.holds(*digest)) {
      m_is_manifest = true;
      m_state.manifests.begin(*digest);
    }
    const auto found = m_state.blobs.find(*digest);
    if (found == m_state.blobs.end() || found->second.pending.empty()) {
      return;
    }
    m_digest = *digest;
    m_blob = &found->second;
    m_blob->is_in_bundle = true;
    m_blob->failure.reset();
    guarded([&] {
      settle_without_bytes(m_digest, *m_blob);
      if (!m_blob->pending.empty()) {
        m_client.begin_upload(m_blob->pending.front(), entry.size);
      }
    });
  }

  void write(std::span<const std::byte> bytes) override {
    if (m_is_manifest) {
      m_state.manifests.write(bytes);
    }
    if (is_uploading()) {
      guarded([&] { m_client.write(bytes); });
    }
  }

  void end(const bundle::Entry& entry, bool is_verified) override {
    if (m_is_manifest) {
      m_state.manifests.end(is_verified);
    }
    if (!is_uploading()) {
      return;
    }
    if (!is_verified) {
      m_client.abort();
      m_blob->failure = RegistryError(
          "its bytes do not match the bundle's manifest; the upload was dropped", Failure::refused);
      return;
    }
    guarded([&] {
      m_client.commit(m_digest);
      ++m_result.blobs_uploaded;
      m_result.bytes_uploaded += entry.size;
      m_blob->source = m_blob->pending.front();
      m_blob->pending.erase(m_blob->pending.begin());
      settle_without_bytes(m_digest, *m_blob);
    });
  }

  // HEAD, then mount from a repository that has it, for each repository lacking the blob;
  // those left need its bytes.
  void settle_without_bytes(const std::string& digest, BlobWork& blob) {
    std::vector<std::string> lacking;
    for (const std::string& repository : blob.pending) {
      if (m_client.has_blob(repository, digest)) {
        ++m_result.blobs_present;
        blob.source = blob.source.empty() ? repository : blob.source;
      } else if (!blob.source.empty() && m_client.mount_blob(repository, digest, blob.source)) {
        ++m_result.blobs_mounted;
      } else {
        lacking.push_back(repository);
      }
    }
    blob.pending = std::move(lacking);
  }

  // A failure nothing survives (untrusted certificate, refused credentials), after the pass.
  void rethrow_fatal() const {
    if (m_fatal) {
      throw *m_fatal;
    }
  }

private:
  [[nodiscard]] bool is_uploading() const {
    return m_blob != nullptr && !m_blob->failure && !m_blob->pending.empty() && !m_fatal;
  }

  template <class Action> void guarded(Action action) {
    try {
      action();
    } catch (const RegistryError& error) {
      m_client.abort();
      if (error.failure() == Failure::fatal) {
        m_fatal = error;
      }
      m_blob->failure = error;
    }
  }

  PushState& m_state;
  RegistryClient& m_client;
  PushResult& m_result;
  BlobWork* m_blob = nullptr; // the blob being uploaded
  std::string m_digest;
  bool m_is_manifest = false;
  std::optional<RegistryError> m_fatal;
};

Endpoint endpoint_for(const PushOptions& options, const bundle::Manifest& manifest) {
  Endpoint endpoint;
  endpoint.host = options.target.host;
  endpoint.is_tls = !options.insecure_http;
  endpoint.port = options.target.port.value_or(endpoint.is_tls ? 443 : 80);
  endpoint.connect_address = options.connect_address;
  if (!options.ca.empty()) {
    endpoint.ca_pem = util::read_text_file(options.ca, k_ca_file_limit);
  } else {
    for (const bundle::CaCertificate& certificate : manifest.ca_certificates) {
      endpoint.ca_pem += certificate.pem;
    }
  }
  return endpoint;
}

std::optional<std::string> credentials_for(const PushOptions& options) {
  const std::filesystem::path file =
      options.authfile.empty() ? default_auth_file() : options.authfile;
  return file.empty() ? std::nullopt : read_registry_auth(file, options.target.auth_file_key());
}

bool has_transient_failures(const PushState& state) {
  return std::any_of(state.blobs.begin(), state.blobs.end(), [](const auto& item) {
    return item.second.failure && item.second.failure->failure() == Failure::transient;
  });
}

// Reads the bundle as often as transient failures allow; the first read also collects the
// bundle's own problems.
void push_blobs(const PushOptions& options,
                bundle::BundleReader& first_reader,
                PushState& state,
                RegistryClient& client,
                PushResult& result) {
  PushSink sink(state, client, result);
  std::unique_ptr<bundle::BundleReader> again;
  for (unsigned attempt = 0;; ++attempt) {
    bundle::BundleReader& reader = attempt == 0 ? first_reader : *again;
    (void)reader.read_payload(&sink, [&](const std::string& problem) {
      if (attempt == 0) {
        state.problems.push_back(problem);
      }
    });
    ++result.reads;
    sink.rethrow_fatal();
    if (!has_transient_failures(state) || attempt + 1 >= options.attempts) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::seconds(options.backoff_seconds << attempt));
    again = std::make_unique<bundle::BundleReader>(options.bundle, options.trust);
  }
  for (auto& [digest, blob] : state.blobs) { // what a --base bundle carried must be there
    if (!blob.is_in_bundle && !blob.pending.empty()) {
      try {
        sink.settle_without_bytes(digest, blob);
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

PushResult push_bundle(const PushOptions& options) {
  bundle::BundleReader reader(options.bundle, options.trust); // the signature, before anything
  const bundle::Manifest& manifest = reader.manifest();
  refuse_other_mirror(options, manifest);
  PushResult result;
  result.bundle_id = manifest.bundle_id;
  result.target = options.target.location();
  PushState state = plan(manifest, options.target, result);
  if (options.dry_run) {
    return result;
  }
  RegistryClient client(endpoint_for(options, manifest), credentials_for(options));
  client.check_api();
  push_blobs(options, reader, state, client, result);
  detail::push_manifests(manifest, options.target, state, client, result);
  std::vector<std::string> failures = std::move(state.problems);
  for (const auto& [digest, blob] : state.blobs) {
    for (const std::string& repository : blob.pending) {
      failures.push_back(str_cat(repository,
                                 "@",
                                 digest,
                                 ": ",
                                 blob.failure ? blob.failure->what()
                                 : blob.is_in_bundle
                                     ? "not uploaded"
                                     : "not in this bundle (a --base bundle carried it) and not "
                                       "in the registry: push the base bundle first"));
    }
  }
  failures.insert(failures.end(), result.failures.begin(), result.failures.end());
  result.failures = std::move(failures);
  return result;
}

} // namespace zbundle::registry
