#include "core/registry/push_left_out.hpp"

#include "core/bundle/applied_history.hpp"
#include "core/util/str_cat.hpp"

#include <algorithm>
#include <set>

namespace zbundle::registry::detail {
namespace {

using util::str_cat;

// The registry's repositories `digest` may be found in: those that reference it first, then
// every other one this bundle pushes to (a blob is mounted from wherever it is).
std::vector<std::string> places_to_look(const BlobWork& blob, const std::vector<std::string>& all) {
  std::vector<std::string> places = blob.pending;
  for (const std::string& repository : all) {
    if (std::find(places.begin(), places.end(), repository) == places.end()) {
      places.push_back(repository);
    }
  }
  return places;
}

[[noreturn]] void refuse_left_out(const bundle::Manifest& manifest,
                                  const PushOptions& options,
                                  std::size_t missing,
                                  std::string_view what,
                                  const std::string& first) {
  throw Error(ErrorKind::check,
              str_cat("push to ",
                      options.target.location(),
                      ": ",
                      missing,
                      " ",
                      what,
                      " left out for ",
                      bundle::left_out_by(manifest),
                      " are not in the registry, the first ",
                      first,
                      manifest.base_bundles.empty()
                          ? ": take a new receipt and make the bundle from it; nothing was sent"
                          : ": push the base bundle first; nothing was sent"));
}

// The left-out blob `digest` in one of `places`: noted as its source, and as present where it
// is pending. False when no place holds it.
bool find_left_out_blob(const std::string& digest,
                        BlobWork& blob,
                        const std::vector<std::string>& places,
                        UploadPool& uploads) {
  for (const std::string& repository : places) {
    if (!uploads.client().has_blob(repository, digest)) {
      continue;
    }
    blob.source = repository;
    if (const auto held = std::find(blob.pending.begin(), blob.pending.end(), repository);
        held != blob.pending.end()) {
      blob.pending.erase(held); // there already: not asked again
      uploads.counters().present += 1;
    }
    return true;
  }
  return false;
}

} // namespace

// A delta (--base, --receipt) leaves out manifests and blobs the registry is said to hold: it
// must hold each before a byte is sent, or the push would end with blobs up and images missing.
// Each left-out blob found gets a source to be mounted from where it is missing.
void require_left_out(const bundle::Manifest& manifest,
                      const PushOptions& options,
                      UploadPool& uploads,
                      PushState& state) {
  if (!bundle::is_delta(manifest)) {
    return;
  }
  const std::set<std::string> carried = bundle::carried_blob_digests(manifest);
  std::size_t missing = 0;
  std::string first;
  std::vector<std::string> repositories;
  for (const model::RepositoryRecord& record : manifest.repositories) {
    const std::string name = destination(options.target, record.name, manifest.max_nested_paths);
    repositories.push_back(name);
    for (const std::string& digest : record.manifests) {
      std::string reference = str_cat(name, "@", digest);
      if (carried.contains(digest)) {
        continue;
      }
      if (uploads.client().manifest_digest(name, digest)) {
        state.base_manifests_present.insert(std::move(reference));
      } else if (++missing == 1) {
        first = std::move(reference);
      }
    }
  }
  if (missing > 0) {
    refuse_left_out(manifest, options, missing, "manifests", first);
  }
  for (auto& [digest, blob] : state.blobs) {
    // Only what the bundle lacks: is_in_bundle is learned later, as the payload streams by.
    if (!blob.entry && !blob.pending.empty()
        && !find_left_out_blob(digest, blob, places_to_look(blob, repositories), uploads)
        && ++missing == 1) {
      first = str_cat(blob.pending.front(), "@", digest);
    }
  }
  if (missing > 0) {
    refuse_left_out(manifest, options, missing, "blobs", first);
  }
}

} // namespace zbundle::registry::detail
