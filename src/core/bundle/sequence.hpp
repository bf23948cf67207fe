#pragma once

// Rollback protection (bundle-schema/README.md, "Sequence"): for each trust configuration (a
// pinned key, or a CA and a signer name) and each target (apply's root, expand's directory,
// push's registry and namespace), the bundle applied last. A bundle created before it, or at
// the same second but another bundle, is refused; the same bundle again is a re-run.

#include "core/bundle/bundle_reader.hpp"
#include "core/bundle/manifest.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace zbundle::bundle {

// A bundle the sequence file records as applied last to a target, under some trust.
struct RecordedBundle {
  std::string id;
  std::string created;
};

// Every record for `target` in `state_dir`/sequence.json (one per trust configuration that
// applied a bundle there), oldest first; none when there is no file. Throws Error{input} for
// a file that is not a sequence file.
[[nodiscard]] std::vector<RecordedBundle> recorded_bundles(const std::filesystem::path& state_dir,
                                                           std::string_view target);

class BundleSequence {
public:
  // The sequence of `target` under the trust configuration that verified `manifest`, kept in
  // `state_dir`/sequence.json. Who is trusted to sign is named stably: "key:<key id>" for a
  // pinned key, "dir:<path>" for a trusted-key directory (whichever of its keys signed, so a
  // retired key still in it cannot roll the target back), or "ca:<sha256 of the CA
  // file>:<signer name>", the same for every certificate that CA issues the signer, so an
  // older bundle under the signer's previous certificate is still older.
  BundleSequence(const std::filesystem::path& state_dir,
                 const Trust& trust,
                 const Manifest& manifest,
                 std::string_view target);

  // Throws Error{check}, naming `subject` and both bundles, when `manifest` would roll the
  // target back and `allow_rollback` is false. True when it is the bundle recorded last.
  bool check(const Manifest& manifest, bool allow_rollback, std::string_view subject) const;
  // Records `manifest` as the last bundle applied to the target (atomically). Throws Error{io}.
  void record(const Manifest& manifest) const;

private:
  std::filesystem::path m_file;
  std::vector<std::string> m_keys; // the record kept, then the older ones consulted too
};

} // namespace zbundle::bundle
