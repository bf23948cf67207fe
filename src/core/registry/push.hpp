#pragma once

// zbundle-extract push: the images of a verified bundle, straight into the site's registry
// (no extraction). The payload is read once; each blob is hashed while it is uploaded and
// the upload is committed only when the bundle's reader says its bytes match the manifest.
// Manifests follow once their blobs are in, indexes after their children, then the tags.
// What the registry already has (HEAD) is skipped, so a re-run after an interruption sends
// only what is missing.

#include "core/bundle/bundle_reader.hpp"
#include "core/ics/mirror_name.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace zbundle::registry {

// How often a request that failed transiently (a 5xx, a timeout) is tried, and the wait
// before the second try, doubled after each.
struct RetryPolicy {
  unsigned attempts = 3;
  unsigned backoff_seconds = 2;
};

struct PushOptions {
  std::filesystem::path bundle;
  bundle::Trust trust;
  ics::MirrorName target;          // --to HOST[:PORT][/NAMESPACE]
  bool rewrite = false;            // push elsewhere than the mirror the bundle names
  std::filesystem::path ca;        // empty: the CA certificates the bundle carries
  std::filesystem::path authfile;  // empty: no credentials (see default_auth_file)
  bool insecure_http = false;      // plain HTTP, to a loopback registry only (tests)
  std::string connect_address;     // --resolve: connect here instead of resolving the host
  bool dry_run = false;            // plan only: no connection
  std::filesystem::path state_dir; // the sequence against rollback (sequence.json)
  std::filesystem::path scratch_dir = "/tmp"; // the manifests, in an unnamed O_TMPFILE file
  bool allow_rollback = false;
  unsigned jobs = 4; // uploads in flight, each on its own connection
  RetryPolicy retry; // of blobs, manifests and tags
  // Called as the bundle is read (bytes read so far, payload total); may be empty.
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
};

struct PushResult {
  std::string bundle_id;
  std::string target; // host[:port][/namespace]
  std::size_t repositories = 0;
  std::size_t manifests_pushed = 0; // manifests and indexes
  std::size_t manifests_present = 0;
  std::size_t tags_pushed = 0;
  std::size_t tags_present = 0;
  std::size_t blobs_uploaded = 0;
  std::size_t blobs_mounted = 0;
  std::size_t blobs_present = 0;
  std::size_t blobs_planned = 0; // (blob, repository) pairs
  std::uint64_t bytes_uploaded = 0;
  std::uint64_t bytes_planned = 0;
  std::size_t blobs_reread = 0; // read again by seeking, to retry them
  std::uint64_t bytes_reread = 0;
  std::vector<std::string> failures; // each "<repository>[@digest|:tag]: <why>"
};

// Throws Error{check} for a bad signature or a registry nothing can be pushed to (untrusted
// certificate, refused credentials), Error{usage} for a --to the bundle was not made for;
// every other failure is listed in the result, and the rest is pushed.
[[nodiscard]] PushResult push_bundle(const PushOptions& options);

} // namespace zbundle::registry
