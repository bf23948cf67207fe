#pragma once

// What `zbundle report` shows, gathered once from a bundle or from oc-mirror output, for the
// HTML renderer (html_report.hpp): the signed model, where each image the run names is and
// what it carries, the repositories with their sizes, the CA with the days it has left, and
// the waivers and problems.

#include "core/bundle/bundle_reader.hpp"
#include "core/check/collected_images.hpp"
#include "core/oci/reference_graph.hpp"
#include "core/pki/signing_key.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace zbundle::report {

struct RepositorySize {
  std::string name;
  std::size_t tags = 0;
  std::size_t manifests = 0;
  std::size_t blobs = 0;
  std::uint64_t bytes = 0; // of its blobs that are carried (a delta leaves some out)
};

struct CertificateLife {
  model::CaCertificate certificate;
  std::int64_t days_left = 0; // negative once expired
};

struct Report {
  std::string subject; // the bundle or the oc-mirror output, as given
  bool is_bundle = false;
  std::string signer;     // bundles: as the reader names it, saying when it was not checked
  bundle::Manifest model; // a source's has no bundle id, signer, entries or waivers
  bool is_payload_verified = false; // bundles: every byte read and found right
  std::vector<check::ImageStatus> images;
  std::vector<RepositorySize> repositories; // by name
  std::vector<CertificateLife> certificates;
  std::vector<model::Problem> problems; // what create's seal gate (a source) or verify found
  std::uint64_t entries = 0;
  std::uint64_t bytes = 0;
};

// Reads bundle `path` whole, verifying every byte (R6-R11; problems are reported, not thrown),
// and keeps its image manifests and configs (at most 64 MiB of them) to tell architectures.
// `now` (Unix seconds) counts the CA's days. Throws as BundleReader does.
[[nodiscard]] Report
report_on_bundle(const std::filesystem::path& path, const bundle::Trust& trust, std::int64_t now);

struct SourceOptions {
  oci::ArchitectureRule architectures = {};
  std::vector<const pki::VerifyingKey*> release_keys = {};
  std::filesystem::path release_keyring = {};
  std::optional<std::filesystem::path> ca = {}; // the mirror registry's CA bundle, when given
  std::int64_t now = 0;
};

// Reads oc-mirror output `inputs` as `inspect --readiness` does (every byte hashed) and plans
// what a bundle of it would carry. Throws Error{input} for what is not a mirror, as
// verify_digests does, and for an unusable CA file.
[[nodiscard]] Report report_on_source(const std::vector<std::filesystem::path>& inputs,
                                      const SourceOptions& options);

} // namespace zbundle::report
