#pragma once

// A registries.conf(5) a site already has, with ours merged in at [[registry]] granularity:
// the live text is cut into its top-level part and one piece per table, a [[registry]] piece
// holding its [[registry.mirror]] tables; our registries replace the live piece for the same
// source or are appended; every other byte of the live text stays as it was.

#include <string>
#include <string_view>
#include <vector>

namespace zbundle::cluster {

struct TextMerge {
  std::string text;
  std::vector<std::string> changes; // "added [[registry]] quay.io/x", one per change
};

// Merges `ours` into `live`. A registry's identity is its prefix, or its location when the
// prefix is empty, as containers/image matches them. Throws Error{input} naming `what` when the
// live file defines one registry twice (containers/image refuses that too) or spells its
// registries as an inline array, which cannot be merged table by table.
[[nodiscard]] TextMerge
merge_registries_conf(std::string_view live, std::string_view ours, std::string_view what);

} // namespace zbundle::cluster
