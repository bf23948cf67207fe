#pragma once

// Recognizes the files of oc-mirror output by their relative path and collects what they say
// into a MirrorContent. Paths, as the tree walker gives them:
//   v2 (oc-mirror-formats.md 2, 3): docker/registry/v2/blobs/sha256/<hh>/<hex>/data,
//     docker/registry/v2/repositories/<repo>/_manifests/{tags/<tag>/current,revisions/sha256/<hex>}/link,
//     working-dir/cluster-resources/{idms-*,itms-*,cs-*,cc-*,signature-configmap,updateService}.yaml,
//     working-dir/dry-run/mapping.txt, isc_<RFC3339>, and the run records RunCollector reads
//     (working-dir/hold-release, working-dir/operator-catalogs);
//   v1 (oc-mirror-formats.md 1): v2/<repo>/manifests/{sha256:<hex>,<tag> symlink},
//   blobs/sha256:<hex>,
//     v2/<repo>/blobs/sha256:<hex>, publish/.metadata.json, and a results directory walked as
//     results/{imageContentSourcePolicy.yaml,catalogSource-*.yaml,mapping.txt,updateService.yaml,
//     release-signatures/*.json}.
// Everything else is ignored.

#include "core/ocmirror/mirror_content.hpp"
#include "core/ocmirror/run_collector.hpp"
#include "core/ocmirror/run_resources.hpp"
#include "core/walk/tree_walker.hpp"

#include <string>
#include <vector>

namespace zbundle::ocmirror {

class EntryClassifier {
public:
  // `container` names the directory or archive being walked, for messages.
  void set_container(std::string container) { m_container = std::move(container); }
  // Classifies one entry. Throws Error{input} naming the container and entry when a
  // recognized file is malformed.
  void visit(const walk::TreeEntry& entry, walk::EntryContent& content);
  // Adds what was collected to `out`: image content sources from mirror-set files when there
  // are any, otherwise from mapping files; releases found in the storage.
  void finish(MirrorContent& out);

  [[nodiscard]] bool saw_v1_layout() const noexcept { return m_saw_v1; }
  [[nodiscard]] bool saw_v2_layout() const noexcept { return m_saw_v2; }

private:
  struct TextFile {
    std::string subject;
    std::string text;
  };
  [[nodiscard]] std::string subject(const walk::TreeEntry& entry) const;
  void visit_storage(const walk::TreeEntry& entry, walk::EntryContent& content);
  void
  visit_resource(const walk::TreeEntry& entry, std::string_view name, walk::EntryContent& content);
  void add_cluster_resource(const walk::TreeEntry& entry, const std::string& text);
  void add_catalog_resource(const walk::TreeEntry& entry, const std::string& text);
  void add_v1_metadata(const walk::TreeEntry& entry, std::string text);
  void add_image_set_config(const walk::TreeEntry& entry, std::string text);
  void add_signature_configmap();
  void add_update_service();

  std::string m_container;
  MirrorContent m_content;
  RunCollector m_run;
  std::vector<TextFile> m_mirror_sets;
  std::vector<TextFile> m_v2_mappings;
  std::vector<TextFile> m_v1_mappings;
  SignatureFiles m_signatures; // working-dir/signatures/
  bool m_saw_v1 = false;
  bool m_saw_v2 = false;
};

} // namespace zbundle::ocmirror
