#pragma once

// JSON and YAML from outside (oc-mirror output, a registry's answers, a bundle's resources),
// parsed within bounds: a size, a nesting depth and, for YAML, a number of nodes counted as
// an emitter would see them (aliases expanded). A recursive copy, walk or emission of what
// passes cannot exhaust the stack or the memory.

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace zbundle::util {

struct ParseBounds {
  std::size_t max_bytes = std::size_t{64} << 20;
  int max_depth = 64;
  std::size_t max_nodes = 200'000; // YAML: after alias expansion
};

// Parses a JSON document. Throws Error{input} "<what>: ..." when it does not parse, is larger
// or nested deeper than `bounds` allow.
[[nodiscard]] nlohmann::json
parse_bounded_json(std::string_view text, std::string_view what, const ParseBounds& bounds = {});

// The text at `key` of a parsed JSON object: empty when the key is absent, null, or `object` is
// not an object. Throws Error{input} "<what>: <key> is not a string" for any other value (where
// nlohmann's value(key, "") would throw its own type_error, which no caller expects).
[[nodiscard]] std::string
json_text(const nlohmann::json& object, std::string_view key, std::string_view what);

// Every document of a YAML stream (one for a plain file). Throws Error{input} "<what>: ..." with
// the line of a syntax error, or naming the bound that was passed.
[[nodiscard]] std::vector<YAML::Node>
load_bounded_yaml(std::string_view text, std::string_view what, const ParseBounds& bounds = {});

} // namespace zbundle::util
