#pragma once

// What a registry holds below a namespace, as the registry itself confirmed it: the content of
// a day-2 receipt (receipt/receipt.hpp), which registry/inventory.hpp reads from a registry.
// Plain data.

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace zbundle::model {

struct HeldManifest {
  std::string media_type;
  std::vector<std::string> blobs;         // config and layers the registry has
  std::vector<std::string> missing_blobs; // referenced, but the registry answers 404
  std::vector<std::string> manifests;     // an index's children (each held in the same list)
};

struct HeldRepository {
  std::string name;                              // below the namespace
  std::map<std::string, std::string> tags;       // tag -> manifest digest
  std::map<std::string, HeldManifest> manifests; // digest -> what it references
};

struct Inventory {
  std::vector<HeldRepository> repositories; // in the catalog's order, each with a tag
  std::size_t manifests = 0;
  std::size_t blobs = 0; // distinct digests confirmed
};

} // namespace zbundle::model
