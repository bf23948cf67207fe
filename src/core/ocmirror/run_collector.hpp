#pragma once

// Gathers what a run mirrored, by oc-mirror's image categories, from the records it keeps
// (run_records.hpp for v2; `.metadata.json` associations for v1), and notes every image it
// cannot map and why. The result feeds derive_content_sources().

#include "core/ocmirror/mirror_content.hpp"
#include "core/ocmirror/run_records.hpp"
#include "core/walk/tree_walker.hpp"

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace zbundle::ocmirror {

class RunCollector {
public:
  // Consumes `working-dir/hold-release/.../image-references` and
  // `working-dir/operator-catalogs/.../catalog-config/**.json` entries; returns whether it did.
  // Throws Error{input} naming `subject` for malformed records.
  bool visit(const walk::TreeEntry& entry, const std::string& subject, walk::EntryContent& content);
  void add_image_set_config(const ImageSetConfig& config);
  // A v1 `.metadata.json` association: its `type`, `name` (source reference) and `id` (the
  // manifest digest v1 pins every image to).
  void add_v1_association(std::string_view type, const std::string& name, const std::string& id);
  // Adds collected images and unmapped notes to `out`. `repositories` is the v2 storage of
  // the same input (release tags live there); `is_v2` says whether v2 records were seen.
  void
  finish(const std::map<std::string, Repository>& repositories, bool is_v2, MirrorContent& out);

private:
  struct CatalogImages {
    std::set<std::string> filtered; // from filtered-catalogs/<filter>/catalog-config
    std::set<std::string> full;     // from catalog-config, the whole catalog
  };
  void finish_releases(const std::map<std::string, Repository>& repositories, MirrorContent& out);
  void finish_catalogs(MirrorContent& out);

  std::vector<ImageSetConfig> m_configs;
  std::map<std::string, std::vector<std::string>> m_release_payloads; // release tag -> components
  std::map<std::string, CatalogImages> m_catalogs; // "<catalog>/<digest>" -> images
  std::set<model::CollectedImage> m_v1_images;
};

} // namespace zbundle::ocmirror
