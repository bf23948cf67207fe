#pragma once

// What push keeps between its passes over the bundle (internal to src/core/registry).

#include "core/registry/push.hpp"
#include "core/registry/registry_client.hpp"
#include "core/util/fd.hpp"

#include <atomic>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace zbundle::registry::detail {

// A config or layer blob, and the repositories that still lack it.
struct BlobWork {
  std::uint64_t size = 0;
  std::vector<std::string> pending; // destination repositories, in order
  std::string source;               // a repository known to hold it, for mounts
  bool is_in_bundle = false;        // else a --base bundle carried it: the registry must have it
  std::optional<std::size_t> entry; // its position in the manifest's entries, when carried
  std::optional<RegistryError> failure;
};

// The verified bytes of manifests, parked in an unlinked temporary file until their blobs
// are in: a catalog has thousands, and memory stays bounded.
class ManifestStore {
public:
  // The manifests go to an unnamed file in `scratch_dir`. Throws Error{io}.
  explicit ManifestStore(const std::filesystem::path& scratch_dir);
  void begin(const std::string& digest);
  void write(std::span<const std::byte> bytes);
  void end(bool is_verified);
  [[nodiscard]] bool holds(const std::string& digest) const { return m_spans.contains(digest); }
  // The bytes of a held manifest.
  [[nodiscard]] std::string read(const std::string& digest) const;

private:
  util::Fd m_file;
  std::uint64_t m_end = 0;
  std::string m_current; // digest being written, empty when none
  std::uint64_t m_current_start = 0;
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> m_spans; // offset, size
};

// What happened to blobs, counted from several upload threads.
struct BlobCounters {
  std::atomic<std::size_t> uploaded{0};
  std::atomic<std::size_t> mounted{0};
  std::atomic<std::size_t> present{0};
  std::atomic<std::uint64_t> bytes{0};
};

// For each repository lacking `blob`: a HEAD (the registry has it already), else a mount from
// a repository that holds it; the repositories left in `pending` need its bytes uploaded.
void find_or_mount_blob(RegistryClient& client,
                        const std::string& digest,
                        BlobWork& blob,
                        BlobCounters& counters);

struct PushState {
  explicit PushState(const std::filesystem::path& scratch_dir) : manifests(scratch_dir) {}

  std::map<std::string, BlobWork> blobs;  // by digest
  std::set<std::string> manifest_digests; // every manifest any repository lists
  ManifestStore manifests;
  std::vector<std::string> problems; // the bundle's own (digest mismatch, ...)
  // "<destination>@<digest>" of the manifests a --base bundle carried, found in the registry
  // before anything was sent (asked once).
  std::set<std::string> base_manifests_present;
};

// Every repository's destination name below the target: "<namespace>/<name>", limited as
// oc-mirror's --max-nested-paths `max_nested_paths` does (0: whole).
[[nodiscard]] std::string
destination(const ics::MirrorName& target, const std::string& name, unsigned max_nested_paths);

// Pushes the manifests, indexes after their children, then the tags, into every repository
// whose blobs all arrived; the others are listed as failures.
void push_manifests(const bundle::Manifest& manifest,
                    const ics::MirrorName& target,
                    const RetryPolicy& retry,
                    PushState& state,
                    RegistryClient& client,
                    PushResult& result);

} // namespace zbundle::registry::detail
