#pragma once

// The one shape of a problem a check finds, for a mirror's storage (verify-digests) and a
// bundle's members (verify, expand, apply, push) alike. The core collects or hands them on;
// the command lines render them, as text or --json.

#include <optional>
#include <string>
#include <string_view>

namespace zbundle::model {

enum class ProblemKind {
  // a mirror's storage
  missing_blob,          // a referenced blob is in neither the input nor --base
  digest_mismatch,       // content that does not hash to its name or listed digest
  size_mismatch,         // a blob or entry whose size differs from what references or lists it
  media_type_mismatch,   // a descriptor whose mediaType is not the manifest's it names
  bad_manifest,          // a tagged or revision manifest that does not parse
  dangling_tag,          // a tag whose link is unreadable or points at no blob
  missing_arch,          // a tagged image without a required platform
  release_arch,          // a release image without the nodes' and the management cluster's
  missing_signature,     // a release image without its sigstore signature tag
  unverified_signature,  // a release signature present, but no key was given to verify it
  invalid_signature,     // a release signature naming another digest, or no given key verifies
  missing_image,         // an image the oc-mirror run says it mirrored that the storage lacks
  schema1,               // a Docker schema 1 manifest: cannot be verified, say so
  foreign_layer,         // a non-distributable layer that is not in the mirror, by design
  missing_agent_content, // hosted control planes artifacts rendered, the Agent platform's
                         // multicluster engine or assisted-service images not mirrored
  unreadable,            // an input that cannot be read to the end (truncated or corrupt)
  // a bundle's members
  missing_entry,  // listed by the manifest, not in the bundle
  unlisted_entry, // in the bundle, not listed by the manifest, or stored twice
  misplaced,      // an entry or frame elsewhere than the manifest or the index says
  bad_header,     // a member header or frame the format's rules refuse
  bad_signature,  // the index's signature does not verify, or cannot be checked
  bad_index,      // an index that does not parse or does not match the manifest
};

// "missing-blob", "digest-mismatch", ...
[[nodiscard]] std::string_view problem_kind_name(ProblemKind kind) noexcept;
// The kind named `name` ("missing-image"), or nullopt.
[[nodiscard]] std::optional<ProblemKind> parse_problem_kind(std::string_view name) noexcept;

struct Problem {
  // A problem told in words: `detail` says what is wrong with `subject`.
  Problem(ProblemKind kind, std::string subject, std::string detail);
  // A comparison: `detail` reads "expected <expected>, got <actual>", and --json gives both.
  Problem(ProblemKind kind, std::string subject, std::string expected, std::string actual);

  ProblemKind kind;
  std::string subject;  // the file, entry or "<repository>:<tag>"; empty when detail names it
  std::string detail;   // what is wrong
  std::string expected; // for comparisons; empty otherwise
  std::string actual;
};

// "<subject>: <detail>", or the detail alone when there is no subject.
[[nodiscard]] std::string to_text(const Problem& problem);

// What a problem handler tells the reader that reported it.
enum class AfterProblem { keep_reading, stop };

} // namespace zbundle::model
