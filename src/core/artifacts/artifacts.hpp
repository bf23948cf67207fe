#pragma once

// The cluster and host artifacts of the hosted control planes procedure (docs/design.md
// "Artifacts"), rendered from the signed model: the same function runs in `zbundle create`,
// `zbundle artifacts` and `zbundle-extract apply`, so the connected host and the bastion write
// the same bytes for the same facts. Rendering is pure: it reads no file and writes none.

#include "core/ics/mirror_name.hpp"
#include "core/model/signed_model.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace zbundle::artifacts {

// A text input and the name errors use for it (a file name, usually).
struct NamedText {
  std::string name;
  std::string text;
};

struct RenderOptions {
  ics::MirrorName mirror;               // the registry the images are (or will be) served from
  std::string ca_pem;                   // the CA bundle its certificate chains to, already checked
  std::optional<NamedText> pull_secret; // the cluster's .dockerconfigjson
  std::optional<NamedText> mirror_auth; // containers auth file with the mirror's credentials
  std::string release;                  // the release to pin; empty: the newest one mirrored
  std::string bundle_id;                // for the scripts' headers; may be empty
  // The URL the site serves the bundle's boot images at (each as <boot_url>/<file>); empty:
  // no AgentServiceConfig is rendered.
  std::string boot_url;
};

enum class FileMode { regular, secret, script }; // 0644, 0600, 0755

struct Artifact {
  std::string name; // a file name, no directory
  std::string content;
  FileMode mode = FileMode::regular;
  friend bool operator==(const Artifact&, const Artifact&) = default;
};

// Throws Error{usage} unless `url` is empty or an http:// or https:// URL of printable
// characters without quotes or backslashes (it is written into YAML as it is).
void check_boot_url(std::string_view url);

// Renders every artifact the model and the options allow, sorted by name. Throws
// Error{input} naming the pull secret or auth file when it is not what it must be, or the
// release when --release names none the model has; Error{usage} for an empty CA.
[[nodiscard]] std::vector<Artifact> render_artifacts(const model::SignedModel& model,
                                                     const RenderOptions& options);

// The containers auth file `existing` (absent: a new one) with the mirror's entry of
// `credentials` added, every other registry kept; nullopt when it has an entry for the mirror
// already (the bastion's own login wins). Throws Error{input} as render_artifacts does.
[[nodiscard]] std::optional<std::string> merged_auth_file(const std::optional<NamedText>& existing,
                                                          const NamedText& credentials,
                                                          const ics::MirrorName& mirror);

// Writes `artifacts` into `directory` (created 0755 when missing), each file atomically with
// its mode; files already there that are not rendered are left alone. Throws Error{io}.
void write_artifacts(const std::vector<Artifact>& artifacts,
                     const std::filesystem::path& directory);

// The model's image content sources moved to `mirror`: a location below the registry the
// model was made for (its `mirror`, or the placeholder) keeps its path below it; any other
// keeps its path below its own registry; every path then limited by the model's
// max_nested_paths.
[[nodiscard]] ics::ImageContentSources relocated_sources(const model::SignedModel& model,
                                                         const ics::MirrorName& mirror);

} // namespace zbundle::artifacts
