#pragma once

// What the bundle targets share: a bundle read as zbundle-extract verify reads it, every
// problem heard and the reading carried on, the bytes discarded.

#include "core/bundle/bundle_reader.hpp"
#include "fuzz_target.hpp"

namespace zbundle::fuzz {

// Reads `path` whole with `trust`; returns or throws zbundle::Error, as every target must.
inline int read_whole_bundle(const std::filesystem::path& path, const bundle::Trust& trust) {
  class DiscardingSink final : public bundle::EntrySink {
  public:
    void begin(const bundle::Entry& /*entry*/) override {}
    void write(std::span<const std::byte> /*bytes*/) override {}
    void end(const bundle::Entry& /*entry*/, bool /*is_verified*/) override {}
  };
  return refuse_or_accept([&] {
    bundle::BundleReader reader(path, trust);
    DiscardingSink sink;
    (void)reader.read_payload(&sink, [](const model::Problem& problem) {
      if (must_accept()) {
        refused_sound_input(problem.subject + ": " + problem.detail);
      }
      return model::AfterProblem::keep_reading;
    });
  });
}

} // namespace zbundle::fuzz
