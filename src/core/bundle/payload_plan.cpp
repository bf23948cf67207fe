#include "core/bundle/payload_plan.hpp"

#include "core/bundle/entry_path.hpp"
#include "core/oci/storage_walker.hpp"
#include "core/ocmirror/detect.hpp"
#include "core/util/error.hpp"
#include "core/util/sha256.hpp"
#include "core/util/str_cat.hpp"

#include <algorithm>
#include <array>

namespace zbundle::bundle {
namespace {

namespace fs = std::filesystem;
using util::str_cat;
using walk::EntryContent;
using walk::EntryType;
using walk::TreeEntry;

constexpr std::size_t k_json_blob_limit = std::size_t{4} << 20;

// Registry files the bastion derives (links) or never needs (unfinished uploads, layout marker).
bool is_derived_registry_file(std::string_view path) {
  return path.find("docker/registry/v2/repositories/") != std::string_view::npos
         || path.find("/_uploads/") != std::string_view::npos || path == "oci-layout"
         || path.ends_with("/oci-layout");
}

struct ReadResult {
  std::string digest;
  std::uint64_t size = 0;
  std::string text; // kept when it may be JSON
};

ReadResult read_and_hash(EntryContent& content, std::size_t keep_limit) {
  util::Sha256 hasher;
  ReadResult result;
  std::array<char, std::size_t{64} * 1024> buffer{};
  for (std::size_t got = content.read_some(buffer); got > 0; got = content.read_some(buffer)) {
    hasher.update(std::as_bytes(std::span(buffer.data(), got)));
    if (result.size + got <= keep_limit) {
      result.text.append(buffer.data(), got);
    }
    result.size += got;
  }
  result.digest = hasher.finish();
  if (result.size > keep_limit || result.text.empty() || result.text.front() != '{') {
    result.text.clear();
  }
  return result;
}

class Planner final : public oci::StorageHandler {
public:
  explicit Planner(const std::set<std::string>& base_blobs) : m_base_blobs(base_blobs) {
    for (const std::string& digest : base_blobs) {
      m_graph.add_base_blob(digest);
    }
  }

  void on_blob(const std::string& subject,
               const std::string& digest,
               const TreeEntry& entry,
               EntryContent& content) override {
    if (!m_blobs.insert(digest).second) {
      return;
    }
    // A blob left out (a base bundle carried it, a receipt confirmed it) is not carried, but a
    // small one is still read: a left-out manifest names the layers the bastion must hold, and
    // the platforms the seal gate judges.
    const bool is_left_out = m_base_blobs.contains(digest);
    if (is_left_out && entry.size > k_json_blob_limit) {
      return;
    }
    if (entry.size <= k_json_blob_limit) {
      const ReadResult read = read_and_hash(content, k_json_blob_limit);
      if (read.digest != digest) {
        on_problem({model::ProblemKind::digest_mismatch, subject, digest, read.digest});
        return;
      }
      if (!read.text.empty()) {
        m_graph.add_json(digest, read.text);
      }
    }
    if (is_left_out) {
      return;
    }
    m_graph.add_blob(digest, entry.size);
    add_entry(blob_entry_path(digest), entry, digest);
  }

  void on_tag(oci::StoredTag tag) override { m_graph.add_tag(std::move(tag)); }
  void on_revision(const std::string& repository, const std::string& digest) override {
    m_graph.add_revision(repository, digest);
  }

  void
  on_other(const std::string& subject, const TreeEntry& entry, EntryContent& content) override {
    if (is_derived_registry_file(entry.path)) {
      return;
    }
    if (entry.type != EntryType::regular) {
      refuse(str_cat(subject,
                     ": not a regular file: a bundle carries regular files only",
                     entry.type == EntryType::symlink
                         ? str_cat(" (symlink to ", entry.link_target, ")")
                         : ""));
      return;
    }
    const std::string path = str_cat(k_oc_mirror_tree, entry.path);
    if (const std::string problem = payload_path_problem(path); !problem.empty()) {
      refuse(str_cat(subject, ": unusable path: ", problem));
      return;
    }
    if (!m_other_paths.insert(path).second) {
      return; // the same file in two archives of one run: the first one is carried
    }
    const ReadResult read = read_and_hash(content, 0);
    add_entry(path, entry, read.digest);
    m_others.back().entry.size = read.size;
  }

  void on_problem(model::Problem problem) override { m_problems.push_back(std::move(problem)); }

  PayloadPlan finish(const oci::ArchitectureRule& architectures,
                     const check::SignatureRule& signatures) {
    if (!m_refusal.empty()) {
      throw Error(ErrorKind::input, m_refusal);
    }
    PayloadPlan plan;
    for (model::Problem& problem : m_graph.check(architectures)) {
      (problem.kind == model::ProblemKind::foreign_layer ? plan.warnings : m_problems)
          .push_back(std::move(problem));
    }
    for (model::Problem& problem : check::check_release_signatures(m_graph, signatures)) {
      m_problems.push_back(std::move(problem));
    }
    plan.problems = std::move(m_problems);
    // One allocation of the final size: growing it would hold the old and the new array at
    // once, for a plan of 300,000 small files some 100 MB more at the peak.
    plan.entries.reserve(m_registry.size() + m_others.size());
    std::move(m_registry.begin(), m_registry.end(), std::back_inserter(plan.entries));
    m_registry = {};
    std::move(m_others.begin(), m_others.end(), std::back_inserter(plan.entries));
    m_others = {};
    for (const auto& [name, repository] : m_graph.repositories()) {
      plan.repositories.push_back({name, repository.tags, repository.manifests, repository.blobs});
    }
    return plan;
  }

private:
  // Input errors are kept until the walk ends: thrown inside it they would read as an
  // unreadable archive.
  void refuse(std::string message) {
    if (m_refusal.empty()) {
      m_refusal = std::move(message);
    }
  }

  void add_entry(std::string path, const TreeEntry& entry, const std::string& digest) {
    PlannedEntry planned{{std::move(path), entry.size, util::Sha256Digest::from_digest(digest)},
                         {}};
    if (!entry.disk_path.empty()) {
      planned.source.disk_path = entry.disk_path;
    } else {
      planned.source.archive = entry.archive;
      planned.source.archive_entry = entry.path;
    }
    (planned.entry.path.starts_with(k_registry_tree) ? m_registry : m_others)
        .push_back(std::move(planned));
  }

  const std::set<std::string>& m_base_blobs;
  oci::ReferenceGraph m_graph;
  std::set<std::string> m_blobs;
  std::set<std::string> m_other_paths;
  std::vector<PlannedEntry> m_registry;
  std::vector<PlannedEntry> m_others;
  std::vector<model::Problem> m_problems;
  std::string m_refusal;
};

} // namespace

PayloadPlan plan_payload(const std::vector<fs::path>& inputs,
                         const std::set<std::string>& base_blobs,
                         const oci::ArchitectureRule& architectures,
                         const check::SignatureRule& signatures) {
  if (inputs.empty()) {
    throw Error(ErrorKind::usage, "no input: name at least one oc-mirror output");
  }
  Planner planner(base_blobs);
  for (const fs::path& input : inputs) {
    oci::walk_storage(ocmirror::plan_input(input, {}).walk_plan(), input.string(), planner);
  }
  return planner.finish(architectures, signatures);
}

} // namespace zbundle::bundle
