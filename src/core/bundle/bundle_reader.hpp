#pragma once

// The one reader of bundles, shared by `zbundle verify/inspect` and every `zbundle-extract`
// command (bundle-schema/README.md section 7). Construction reads the head members and checks
// the signature before anything else is parsed (R1-R5); read_payload() then streams the
// payload, index and end of the archive, verifying every byte (R6-R11).

#include "core/bundle/manifest.hpp"
#include "core/bundle/volume_writer.hpp"
#include "core/model/problem.hpp"
#include "core/pki/signing_key.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace zbundle::bundle {

namespace detail {
struct ReaderState; // reader_state.hpp: the stream, the signed head, the last payload pass
} // namespace detail

// Whom to trust: a public key (--pubkey), or a CA and a pinned signer name (--trust-ca,
// --signer-name).
struct Trust {
  std::shared_ptr<const pki::VerifyingKey> key; // a key already at hand, e.g. for --base
  std::filesystem::path public_key;
  std::filesystem::path trust_dir; // every *.pub in it (pki/trusted_keys.hpp)
  std::filesystem::path trust_ca;
  std::string signer_name;
  std::int64_t at = 0; // validation time for a signer chain, Unix seconds
};

// Receives payload entries while they stream. An entry's bytes are only known to be right
// once end() says so.
class EntrySink {
public:
  EntrySink() = default;
  EntrySink(const EntrySink&) = delete;
  EntrySink& operator=(const EntrySink&) = delete;
  virtual ~EntrySink() = default;
  virtual void begin(const Entry& entry) = 0;
  virtual void write(std::span<const std::byte> bytes) = 0;
  virtual void end(const Entry& entry, bool is_verified) = 0;
  // A big entry in a stored frame of a single-file bundle can be read by itself on a worker
  // while the pass goes on to the next (what lets expand hash on more than one core). A sink
  // that can take it so returns a sink of its own for `entry`, already begun: its begin() and
  // write() then run on the worker (begin() once more, with nothing left to do), its end()
  // on the pass's thread once the digest is known, entries perhaps out of order, and perhaps
  // between two write() calls of an entry this sink takes in order. nullptr, the
  // default, keeps every entry's bytes in order through this sink.
  virtual std::unique_ptr<EntrySink> split(const Entry& entry) {
    (void)entry;
    return nullptr;
  }
};

// Hears each violation, and says whether the reading goes on (verify: everything is reported)
// or stops (expand, apply: the first problem is enough).
using ProblemHandler = std::function<model::AfterProblem(const model::Problem& problem)>;

struct PayloadTotals {
  std::uint64_t entries = 0;
  std::uint64_t bytes = 0;
  bool stopped = false; // the handler said stop: the rest was not read
};

class BundleReader {
public:
  // Opens `path` (a bundle, or a volume set by its head volume), verifies the signature with
  // `trust` and parses the manifest. Throws Error{check} naming the member for every R1-R5
  // violation, Error{input} when the file or the trusted key cannot be read.
  BundleReader(const std::filesystem::path& path, const Trust& trust);
  BundleReader(const BundleReader&) = delete;
  BundleReader& operator=(const BundleReader&) = delete;
  ~BundleReader();

  [[nodiscard]] const Manifest& manifest() const noexcept;
  // "Ed25519 key <id>" or the signer certificate's subject.
  [[nodiscard]] const std::string& signer() const noexcept;

  // Reads the rest of the bundle once. `sink` (may be null) gets every listed entry's bytes;
  // `on_problem` every violation; reading goes on where the stream still allows it. Problems
  // that leave nothing readable (corrupt or truncated data) end the reading after reporting.
  PayloadTotals read_payload(EntrySink* sink, const ProblemHandler& on_problem);

  // Reads manifest entry `position` again, by itself, after read_payload(): seeks to where
  // that pass found its frame, checks the member (R7, R8, R10) and its SHA-256 once more, and
  // gives its bytes to `sink`, whose end() learns whether they were right. Returns that too;
  // problems go to `on_problem`. For retries, so one failed blob costs one blob's read.
  bool reread_entry(std::size_t position, EntrySink& sink, const ProblemHandler& on_problem);

private:
  std::unique_ptr<detail::ReaderState> m_state;
};

// Reads the payload as read_payload() does and stops at the first problem, which it throws as
// Error{check}: for expand and apply, which change nothing unless every byte is right.
void require_intact_payload(BundleReader& reader, EntrySink* sink);

} // namespace zbundle::bundle
