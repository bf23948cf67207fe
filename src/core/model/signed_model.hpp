#pragma once

// The signed model: everything a bundle asserts about the mirror it carries, which the bastion
// trusts once the signature holds. bundle/manifest serializes it; artifacts/ renders it.

#include "core/ics/content_sources.hpp"
#include "core/model/boot_image.hpp"
#include "core/model/mirrored_images.hpp"
#include "core/model/problem.hpp"

#include <optional>
#include <string>
#include <vector>

namespace zbundle::model {

// Problems `create` found of one kind, signed anyway because its user waived the kind
// (--allow KIND): the bundle says what it lacks, on both sides.
struct Waiver {
  ProblemKind kind = ProblemKind::missing_image;
  std::vector<std::string> problems; // each as model::to_text renders it
  friend bool operator==(const Waiver&, const Waiver&) = default;
};

// A certificate of the mirror registry's CA bundle, as carried.
struct CaCertificate {
  std::string subject;
  std::string not_after;
  std::string sha256;
  std::string pem;
  friend bool operator==(const CaCertificate&, const CaCertificate&) = default;
};

struct SignedModel {
  std::string source_kind; // "oc-mirror-v2", "registry-storage", ...
  std::vector<std::string> source_names;
  std::optional<std::string> mirror; // the registry the sources point at, when given
  // oc-mirror's --max-nested-paths for that registry (0: no limit): image content sources and
  // references are kept whole here and limited where they are rendered or pushed, so a
  // bastion that names another namespace still gets oc-mirror's paths.
  unsigned max_nested_paths = 0;
  ics::ImageContentSources image_content_sources;
  std::vector<ReleaseImage> releases;
  std::vector<CollectedImage> images;
  std::vector<CatalogSource> catalogs;
  // Resources oc-mirror wrote for the cluster (release signatures, UpdateService), carried.
  std::vector<ClusterResource> cluster_resources;
  std::vector<RepositoryRecord> repositories;
  std::vector<CaCertificate> ca_certificates;
  std::vector<Waiver> waivers; // empty: made with nothing waived
  // RHCOS images carried under boot/ (create --boot-images), each an entry of the bundle.
  std::vector<BootImage> boot_images;
  friend bool operator==(const SignedModel&, const SignedModel&) = default;
};

} // namespace zbundle::model
