#pragma once

// Every image an oc-mirror run says it mirrored (its ImageSetConfiguration, release references,
// catalogs, v1 metadata) must be in the repository oc-mirror pushes it to, by its digest or its
// tag (ocmirror::mirrored_location). verify-digests asks it of the storage it hashed, create of
// the payload it planned: one rule, two sources of truth about what is stored.

#include "core/model/mirrored_images.hpp"
#include "core/model/problem.hpp"
#include "core/ocmirror/derive_sources.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace zbundle::check {

// The manifest digest the storage serves at `location` (by its tag, or by its digest when it
// has one), or empty when it serves none.
using StorageLookup = std::function<std::string(const ocmirror::MirroredLocation& location)>;

// One image the oc-mirror run names, as the readiness report shows it.
struct ImageStatus {
  std::string category; // model::category_name
  std::string source;   // as the run names it
  std::string location; // where oc-mirror pushes it, below the mirror
  bool is_present = false;
  std::string digest;                 // what the location holds; empty when absent
  std::vector<std::string> platforms; // "amd64", "s390x", ...: its own or its children's
  std::string signature;              // releases: "verified" or the problem's kind; else empty
  std::string release_signature;      // the same for its OpenPGP release signature
};

// Where each image is and what the storage holds there (platforms and signatures left for
// the caller, who knows the manifests). Images without a registry or without a tag and a
// digest name no place and are left out.
[[nodiscard]] std::vector<ImageStatus>
locate_images(const std::vector<model::CollectedImage>& images, const StorageLookup& lookup);

struct CollectedImagesReport {
  std::vector<model::Problem> missing; // missing-image, one per absent image
  std::uint64_t found = 0;
};

// Images without a registry or without a tag and a digest name no place and are not counted.
[[nodiscard]] CollectedImagesReport
check_collected_images(const std::vector<model::CollectedImage>& images,
                       const StorageLookup& lookup);

// The lookup over a map of repository name -> {tags, manifests}, as verify-digests' reference
// graph and create's payload plan both keep them.
template <class Repositories> StorageLookup lookup_in(const Repositories& repositories) {
  return [&repositories](const ocmirror::MirroredLocation& location) {
    const auto repository = repositories.find(location.repository);
    return repository == repositories.end() ? std::string()
                                            : ocmirror::find_manifest(repository->second, location);
  };
}

// The lookup over repository records sorted by name (a payload plan's, a bundle manifest's).
[[nodiscard]] StorageLookup lookup_in_records(const std::vector<model::RepositoryRecord>& records);

} // namespace zbundle::check
