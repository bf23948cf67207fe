#pragma once

// Readers for the records a mirror-to-disk run keeps about what it mirrored, the inputs of
// deriving image content sources (oc-mirror-formats.md 2.2, 2.11; oc-mirror internal/pkg/release
// and internal/pkg/operator):
//   isc_<time>                        the ImageSetConfiguration (YAML)
//   working-dir/hold-release/<name>/<tag>/release-manifests/image-references
//                                     the release payload's ImageStream (JSON,
//                                     spec.tags[].from.name)
//   working-dir/operator-catalogs/<catalog>/<digest>/[filtered-catalogs/<filter>/]catalog-config/**.json
//                                     file-based catalogs: a stream of JSON objects, where each
//                                     olm.bundle names its image and relatedImages[].image

#include "core/model/mirrored_images.hpp"
#include "core/walk/tree_walker.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace zbundle::ocmirror {

// An image an ImageSetConfiguration names, and where it asks for it to go.
struct ConfiguredImage {
  std::string reference;
  model::MirrorTarget target; // targetRepo or targetCatalog, and targetTag
};

struct ImageSetConfig {
  std::vector<ConfiguredImage> additional_images; // mirror.additionalImages[]
  std::vector<ConfiguredImage> catalogs;          // mirror.operators[]
  std::vector<std::string> channels;              // mirror.platform.channels[].name
  std::string release;                            // mirror.platform.release, when given
  bool is_okd = false;                            // a channel of type okd
  bool wants_graph = false;                       // mirror.platform.graph: true
};

// Parses an ImageSetConfiguration (v1alpha2 or v2alpha1). Throws Error{input} naming
// `subject` and the line for malformed YAML, and naming the field for a target that is not a
// repository path or tag.
[[nodiscard]] ImageSetConfig parse_image_set_config(const std::string& yaml_text,
                                                    std::string_view subject);

// The component images of a release payload's image-references file.
// Throws Error{input} naming `subject` for malformed JSON or an entry without from.name.
[[nodiscard]] std::vector<std::string> parse_release_references(const std::string& json_text,
                                                                std::string_view subject);

// Every olm.bundle image and related image in a file-based catalog JSON stream, read
// streaming (SAX): memory grows with one bundle's images, not with the file.
// Throws Error{input} naming `subject` and the byte offset of malformed JSON.
[[nodiscard]] std::vector<std::string> read_catalog_images(walk::EntryContent& content,
                                                           std::string_view subject);

} // namespace zbundle::ocmirror
