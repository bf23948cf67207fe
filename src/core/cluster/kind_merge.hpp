#pragma once

// Internal to object_merge: the merge rule of each kind (object_merge.hpp lists them).

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace zbundle::cluster::detail {

using Json = nlohmann::ordered_json;

// Adds what `ours` has to `live` by the rule of live's kind, appending one line per change to
// `changes` (without the object's name). Throws Error{input} "<what>: ..." for a kind without
// a rule or a live field of the wrong type.
void merge_kind(Json& live,
                const Json& ours,
                std::string_view what,
                std::vector<std::string>& changes);

// True when a rule exists for `kind`.
[[nodiscard]] bool has_merge_rule(std::string_view kind);

// The field holding the mirror list of a mirror set kind ("" for other kinds).
[[nodiscard]] std::string_view mirror_list_field(std::string_view kind);

} // namespace zbundle::cluster::detail
