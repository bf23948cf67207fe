#include "core/oci/digest_verifier.hpp"

#include "core/ics/image_ref.hpp"
#include "core/oci/blob_hasher.hpp"
#include "core/oci/manifest.hpp"
#include "core/ocmirror/detect.hpp"
#include "core/ocmirror/storage_path.hpp"
#include "core/ocmirror/tree_walker.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace zbundle::oci {
namespace {

namespace fs = std::filesystem;
using ocmirror::EntryContent;
using ocmirror::EntryType;
using ocmirror::StoragePathKind;
using ocmirror::TreeEntry;
using util::str_cat;

constexpr std::size_t k_json_blob_limit = std::size_t{4} << 20; // manifests and configs are small
constexpr std::size_t k_link_limit = 256;

struct Tag {
  std::string repository;
  std::string tag;
  std::string digest;
};

class Verifier {
public:
  void walk_input(const fs::path& input, bool is_base) {
    const ocmirror::InputPlan plan = ocmirror::plan_input(input, {});
    const auto visit = [&](const std::string& container) {
      return [this, container, is_base](const TreeEntry& entry, EntryContent& content) {
        visit_entry(container, entry, content, is_base);
      };
    };
    try {
      for (const fs::path& archive : plan.source.archives) {
        ocmirror::walk_tar(archive, visit(archive.string()));
      }
      for (const ocmirror::DirectoryWalk& walk : plan.directories) {
        ocmirror::walk_directory(walk.root, walk.prefix, visit(walk.root.string()));
      }
    } catch (const Error& error) {
      if (error.kind() != ErrorKind::input) {
        throw;
      }
      report(ProblemKind::unreadable, input.string(), "a complete archive or tree", error.what());
    }
  }

  explicit Verifier(unsigned jobs) : m_hasher(jobs, k_json_blob_limit) {}

  DigestReport finish(const DigestOptions& options) {
    collect_hashed_blobs();
    for (const Tag& tag : m_tags) {
      const std::string where = str_cat(tag.repository, ":", tag.tag);
      if (!has_blob(tag.digest)) {
        report(ProblemKind::dangling_tag, where, tag.digest, "no such blob");
        continue;
      }
      verify_manifest(tag.digest, where);
      if (!options.required_architectures.empty() && !tag.tag.ends_with(".sig")) {
        check_architectures(tag, where, options.required_architectures);
      }
    }
    for (const auto& [repository, digests] : m_revisions) {
      for (const std::string& digest : digests) {
        const std::string where = str_cat(repository, "@", digest);
        if (!has_blob(digest)) {
          report(ProblemKind::missing_blob, where, digest, "revision link to a missing blob");
        } else {
          verify_manifest(digest, where);
        }
      }
    }
    m_report.tag_count = m_tags.size();
    m_report.manifest_count = m_verified_manifests.size();
    return std::move(m_report);
  }

private:
  void report(ProblemKind kind, std::string path, std::string expected, std::string actual) {
    m_report.problems.push_back({kind, std::move(path), std::move(expected), std::move(actual)});
  }

  [[nodiscard]] bool has_blob(const std::string& digest) const {
    return m_blob_sizes.contains(digest) || m_base_blobs.contains(digest);
  }

  void visit_entry(const std::string& container,
                   const TreeEntry& entry,
                   EntryContent& content,
                   bool is_base) {
    const ocmirror::StoragePath storage = ocmirror::classify_storage_path(entry.path);
    const std::string subject =
        entry.disk_path.empty() ? str_cat(container, ": ", entry.path) : entry.disk_path;
    const bool is_blob =
        storage.kind == StoragePathKind::blob || storage.kind == StoragePathKind::v1_manifest;
    if (is_base) {
      if (is_blob) {
        m_base_blobs.insert(storage.digest);
      }
      return;
    }
    if (is_blob && storage.kind == StoragePathKind::v1_manifest) {
      m_revisions[storage.repository].insert(storage.digest);
    }
    if (is_blob) {
      if (entry.type != EntryType::regular) {
        report(ProblemKind::missing_blob,
               subject,
               storage.digest,
               "not a regular file (not followed)");
      } else {
        m_hasher.hash(subject, storage.digest, entry, content);
      }
    } else if (storage.kind == StoragePathKind::malformed_blob
               || storage.kind == StoragePathKind::malformed_revision) {
      report(ProblemKind::digest_mismatch, subject, "a sha256:<64 hex> name", entry.path);
    } else if (storage.kind == StoragePathKind::revision_link) {
      m_revisions[storage.repository].insert(storage.digest);
    } else if (storage.kind == StoragePathKind::layout_index && entry.type == EntryType::regular) {
      add_layout_tags(subject, container, content);
    } else if (storage.kind == StoragePathKind::tag_link) {
      add_link_tag(subject, storage, entry, content);
    } else if (storage.kind == StoragePathKind::v1_tag && entry.type == EntryType::symlink) {
      std::string target = entry.link_target;
      while (target.starts_with("./")) {
        target.erase(0, 2);
      }
      m_tags.push_back({storage.repository, storage.tag, target});
    }
  }

  void
  add_layout_tags(const std::string& subject, const std::string& container, EntryContent& content) {
    const std::string repository = fs::path(container).filename().string();
    try {
      for (const LayoutEntry& entry :
           parse_layout_index(content.read_text(k_json_blob_limit), subject)) {
        m_tags.push_back({repository, entry.tag, entry.descriptor.digest});
      }
    } catch (const Error& error) {
      report(ProblemKind::bad_manifest, subject, "an OCI layout index", error.what());
    }
  }

  void add_link_tag(const std::string& subject,
                    const ocmirror::StoragePath& storage,
                    const TreeEntry& entry,
                    EntryContent& content) {
    std::string link = entry.type == EntryType::regular && entry.size <= k_link_limit
                           ? content.read_text(k_link_limit)
                           : std::string();
    while (!link.empty() && (link.back() == '\n' || link.back() == '\r')) {
      link.pop_back();
    }
    if (!ics::is_sha256_digest(link)) {
      report(ProblemKind::dangling_tag,
             subject,
             "a link holding sha256:<64 hex>",
             link.empty() ? "unreadable link" : link);
      return;
    }
    m_tags.push_back({storage.repository, storage.tag, link});
  }

  // Takes in what the hashing workers found, in a stable order.
  void collect_hashed_blobs() {
    for (HashedBlob& blob : m_hasher.finish()) {
      m_report.blob_count += 1;
      m_report.blob_bytes += blob.size;
      if (blob.actual.empty()) {
        report(ProblemKind::unreadable, blob.subject, "a readable blob", blob.error);
      } else if (blob.actual != blob.name) {
        report(ProblemKind::digest_mismatch, blob.subject, blob.name, blob.actual);
      } else { // only verified content is referenced as present
        m_blob_sizes[blob.name] = blob.size;
        if (!blob.json.empty()) {
          m_json[blob.name] = std::move(blob.json);
        }
      }
    }
  }

  void check_reference(const Descriptor& descriptor, const std::string& where) {
    const auto found = m_blob_sizes.find(descriptor.digest);
    if (found == m_blob_sizes.end()) {
      if (m_base_blobs.contains(descriptor.digest)) {
        return;
      }
      report(descriptor.is_foreign ? ProblemKind::foreign_layer : ProblemKind::missing_blob,
             where,
             descriptor.digest,
             descriptor.is_foreign ? "non-distributable layer, not mirrored" : "no such blob");
    } else if (found->second != descriptor.size) {
      report(ProblemKind::size_mismatch,
             str_cat(where, " -> ", descriptor.digest),
             std::to_string(descriptor.size),
             std::to_string(found->second));
    }
  }

  void verify_manifest(const std::string& digest, const std::string& where) {
    if (!m_verified_manifests.insert(digest).second) {
      return;
    }
    const auto json = m_json.find(digest);
    if (json == m_json.end()) {
      if (!m_base_blobs.contains(digest)) {
        report(ProblemKind::bad_manifest, where, digest, "not a JSON manifest");
      }
      return;
    }
    Manifest manifest;
    try {
      manifest = parse_manifest(json->second, str_cat(where, " (", digest, ")"));
    } catch (const Error& error) {
      report(ProblemKind::bad_manifest, where, digest, error.what());
      return;
    }
    if (manifest.kind == ManifestKind::docker_schema1) {
      report(
          ProblemKind::schema1, where, digest, "Docker schema 1 manifest: layers not verifiable");
      return;
    }
    for (const Descriptor& child : manifest.children) {
      check_reference(child, where);
      if (m_blob_sizes.contains(child.digest)) {
        verify_manifest(
            child.digest,
            str_cat(where, " -> ", child.platform.empty() ? child.digest : child.platform));
      }
    }
    if (manifest.config) {
      check_reference(*manifest.config, str_cat(where, " config"));
    }
    for (const Descriptor& layer : manifest.layers) {
      check_reference(layer, str_cat(where, " layer"));
    }
  }

  void check_architectures(const Tag& tag,
                           const std::string& where,
                           const std::vector<std::string>& required) {
    const auto json = m_json.find(tag.digest);
    if (json == m_json.end()) {
      return;
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
      return; // already reported as bad-manifest
    }
    std::string missing;
    for (const std::string& arch : required) {
      if (!present.contains(arch)) {
        missing += str_cat(missing.empty() ? "" : ",", arch);
      }
    }
    if (!missing.empty()) {
      std::string have;
      for (const std::string& arch : present) {
        have += str_cat(have.empty() ? "" : ",", arch);
      }
      report(ProblemKind::missing_arch, where, missing, have.empty() ? "unknown" : have);
    }
  }

  BlobHasher m_hasher;
  DigestReport m_report;
  std::map<std::string, std::uint64_t> m_blob_sizes; // verified blobs
  std::set<std::string> m_base_blobs;
  std::map<std::string, std::string> m_json; // small JSON blobs by digest
  std::map<std::string, std::set<std::string>> m_revisions;
  std::vector<Tag> m_tags;
  std::set<std::string> m_verified_manifests;
};

} // namespace

std::string_view problem_kind_name(ProblemKind kind) noexcept {
  switch (kind) {
  case ProblemKind::missing_blob:
    return "missing-blob";
  case ProblemKind::digest_mismatch:
    return "digest-mismatch";
  case ProblemKind::size_mismatch:
    return "size-mismatch";
  case ProblemKind::bad_manifest:
    return "bad-manifest";
  case ProblemKind::dangling_tag:
    return "dangling-tag";
  case ProblemKind::missing_arch:
    return "missing-arch";
  case ProblemKind::schema1:
    return "schema1";
  case ProblemKind::foreign_layer:
    return "foreign-layer";
  case ProblemKind::unreadable:
    return "unreadable";
  }
  return "unknown";
}

DigestReport verify_digests(const std::vector<fs::path>& inputs, const DigestOptions& options) {
  if (inputs.empty()) {
    throw Error(ErrorKind::usage, "no input: name at least one mirror (directory or archive)");
  }
  Verifier verifier(options.jobs);
  for (const fs::path& base : options.base) {
    verifier.walk_input(base, true);
  }
  for (const fs::path& input : inputs) {
    verifier.walk_input(input, false);
  }
  return verifier.finish(options);
}

} // namespace zbundle::oci
