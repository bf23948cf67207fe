#include "core/oci/reference_graph.hpp"

#include "core/oci/manifest.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/untrusted_text.hpp"

#include <algorithm>
#include <optional>

namespace zbundle::oci {

using util::str_cat;

namespace {

// The nodes' platforms, and for a release image the management cluster's too (when the nodes'
// are checked at all).
std::vector<std::string> required_platforms(const ArchitectureRule& rule, bool is_release) {
  std::vector<std::string> required = rule.node;
  if (is_release && !required.empty()) {
    for (const std::string& arch : rule.management) {
      if (std::find(required.begin(), required.end(), arch) == required.end()) {
        required.push_back(arch);
      }
    }
  }
  return required;
}

} // namespace

void ReferenceGraph::add_blob(const std::string& digest, std::uint64_t size) {
  m_blob_sizes[digest] = size;
}

void ReferenceGraph::add_base_blob(const std::string& digest) {
  m_base_blobs.insert(digest);
}

void ReferenceGraph::add_json(const std::string& digest, std::string json) {
  m_json[digest] = std::move(json);
}

void ReferenceGraph::add_tag(StoredTag tag) {
  m_tags.push_back(std::move(tag));
}

void ReferenceGraph::add_revision(const std::string& repository, const std::string& digest) {
  m_revisions[repository].insert(digest);
}

void ReferenceGraph::report(model::ProblemKind kind,
                            std::string path,
                            std::string expected,
                            std::string actual) {
  m_problems.emplace_back(kind, std::move(path), std::move(expected), std::move(actual));
}

std::vector<model::Problem> ReferenceGraph::check(const ArchitectureRule& architectures) {
  m_problems.clear();
  m_verified_manifests.clear();
  m_repositories.clear();
  for (const StoredTag& tag : m_tags) {
    const std::string where = str_cat(tag.repository, ":", tag.tag);
    RepositoryGraph& repository = m_repositories[tag.repository];
    if (!has_blob(tag.digest)) {
      report(model::ProblemKind::dangling_tag, where, tag.digest, "no such blob");
      continue;
    }
    if (const auto size = m_blob_sizes.find(tag.digest);
        tag.declared_size && size != m_blob_sizes.end() && size->second != *tag.declared_size) {
      report(model::ProblemKind::size_mismatch,
             str_cat(where, " -> ", tag.digest),
             std::to_string(*tag.declared_size),
             std::to_string(size->second));
    }
    repository.tags[tag.tag] = tag.digest;
    verify_manifest(tag.digest, where, repository);
    check_media_type(tag.declared_media_type, tag.digest, where);
    // cosign signatures are tagged "sha256-<hex>.sig" and carry no platform
    if (!is_signature_tag(tag.tag)) {
      check_architectures(tag, where, architectures);
    }
  }
  for (const auto& [name, digests] : m_revisions) {
    RepositoryGraph& repository = m_repositories[name];
    for (const std::string& digest : digests) {
      const std::string where = str_cat(name, "@", digest);
      if (!has_blob(digest)) {
        report(model::ProblemKind::missing_blob, where, digest, "revision link to a missing blob");
      } else {
        verify_manifest(digest, where, repository);
      }
    }
  }
  return m_problems;
}

void ReferenceGraph::check_reference(const Descriptor& descriptor, const std::string& where) {
  const auto found = m_blob_sizes.find(descriptor.digest);
  if (found == m_blob_sizes.end()) {
    if (m_base_blobs.contains(descriptor.digest)) {
      return;
    }
    report(descriptor.is_foreign ? model::ProblemKind::foreign_layer
                                 : model::ProblemKind::missing_blob,
           where,
           descriptor.digest,
           descriptor.is_foreign ? "non-distributable layer, not mirrored" : "no such blob");
  } else if (found->second != descriptor.size) {
    report(model::ProblemKind::size_mismatch,
           str_cat(where, " -> ", descriptor.digest),
           std::to_string(descriptor.size),
           std::to_string(found->second));
  }
}

// Registries and CRI-O refuse a descriptor whose mediaType is not the manifest's own.
void ReferenceGraph::check_media_type(std::string_view declared,
                                      const std::string& digest,
                                      const std::string& where) {
  const auto found = m_media_types.find(digest);
  if (!declared.empty() && found != m_media_types.end() && found->second != declared) {
    // both come from manifests a stranger wrote: quoted, never echoed raw
    report(model::ProblemKind::media_type_mismatch,
           str_cat(where, " -> ", digest),
           util::printable(declared),
           util::printable(found->second));
  }
}

// The parsed manifest `digest`, when it can be verified; reports why not on the first visit.
std::optional<Manifest> ReferenceGraph::load_manifest(const std::string& digest,
                                                      const std::string& where,
                                                      bool is_first_visit) {
  const auto json = m_json.find(digest);
  if (json == m_json.end()) {
    if (is_first_visit && !m_base_blobs.contains(digest)) {
      report(model::ProblemKind::bad_manifest, where, digest, "not a JSON manifest");
    }
    return std::nullopt;
  }
  try {
    Manifest manifest = parse_manifest(json->second, str_cat(where, " (", digest, ")"));
    if (manifest.kind != ManifestKind::docker_schema1) {
      m_media_types.emplace(digest, manifest.media_type);
      return manifest;
    }
    if (is_first_visit) {
      report(model::ProblemKind::schema1,
             where,
             digest,
             "Docker schema 1 manifest: layers not verifiable");
    }
  } catch (const Error& error) {
    if (is_first_visit) {
      report(model::ProblemKind::bad_manifest, where, digest, error.what());
    }
  }
  return std::nullopt;
}

// Problems are reported the first time a manifest is seen; its blobs are recorded for every
// repository that holds it.
void ReferenceGraph::verify_manifest(const std::string& digest,
                                     const std::string& where,
                                     RepositoryGraph& repository) {
  if (!repository.manifests.insert(digest).second) {
    return;
  }
  const bool is_first_visit = m_verified_manifests.insert(digest).second;
  const std::optional<Manifest> loaded = load_manifest(digest, where, is_first_visit);
  if (!loaded) {
    return;
  }
  const Manifest& manifest = *loaded;
  for (const Descriptor& child : manifest.children) {
    if (is_first_visit) {
      check_reference(child, where);
    }
    if (has_blob(child.digest)) { // a left-out child is followed when its JSON was read
      verify_manifest(
          child.digest,
          str_cat(where, " -> ", child.platform.empty() ? child.digest : child.platform),
          repository);
      if (is_first_visit) {
        check_media_type(child.media_type, child.digest, where);
      }
    }
  }
  if (manifest.config) {
    if (is_first_visit) {
      check_reference(*manifest.config, str_cat(where, " config"));
    }
    repository.blobs.insert(manifest.config->digest);
  }
  for (const Descriptor& layer : manifest.layers) {
    if (is_first_visit) {
      check_reference(layer, str_cat(where, " layer"));
    }
    if (!layer.is_foreign || m_blob_sizes.contains(layer.digest)) {
      repository.blobs.insert(layer.digest);
    }
  }
}

void ReferenceGraph::check_architectures(const StoredTag& tag,
                                         const std::string& where,
                                         const ArchitectureRule& rule) {
  const bool is_release =
      !rule.release_repository.empty() && tag.repository == rule.release_repository;
  const std::vector<std::string> required = required_platforms(rule, is_release);
  if (required.empty()) {
    return;
  }
  const std::optional<std::set<std::string>> present = platforms_of(tag.digest, where);
  if (!present) {
    return;
  }
  std::string missing;
  for (const std::string& arch : required) {
    if (!present->contains(arch)) {
      missing += str_cat(missing.empty() ? "" : ",", arch);
    }
  }
  if (!missing.empty()) {
    std::string have;
    for (const std::string& arch : *present) {
      have += str_cat(have.empty() ? "" : ",", arch);
    }
    report(is_release ? model::ProblemKind::release_arch : model::ProblemKind::missing_arch,
           where,
           missing,
           have.empty() ? "unknown" : have);
  }
}

// The architectures manifest `digest` serves: its children's, or its config's; nullopt when it
// cannot be told (not here, or already reported as a bad manifest).
std::optional<std::set<std::string>> ReferenceGraph::platforms_of(const std::string& digest,
                                                                  const std::string& where) const {
  const auto json = m_json.find(digest);
  if (json == m_json.end()) {
    return std::nullopt;
  }
  std::set<std::string> present;
  try {
    const Manifest manifest = parse_manifest(json->second, where);
    for (const Descriptor& child : manifest.children) {
      present.insert(child.platform.substr(child.platform.find('/') + 1));
    }
    if (manifest.config) {
      if (const auto config = m_json.find(manifest.config->digest); config != m_json.end()) {
        present.insert(config_architecture(config->second));
      }
    }
  } catch (const Error&) {
    return std::nullopt;
  }
  return present;
}

} // namespace zbundle::oci
