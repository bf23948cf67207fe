#pragma once

// Strings that came from outside (a bundle, oc-mirror output, a registry's answers): the one
// check every such string passes, and the form in which a message may quote it.

#include <string>
#include <string_view>

namespace zbundle::util {

// True when `text` holds a control character (below 0x20, or DEL) other than those in
// `allowed` (e.g. "\n\t" for the text of a YAML document or a PEM block).
[[nodiscard]] bool has_control_character(std::string_view text,
                                         std::string_view allowed = {}) noexcept;

// `text` as a message may show it: control characters as \xNN, at most 200 bytes, so a
// hostile name can neither forge lines in a log nor flood it.
[[nodiscard]] std::string printable(std::string_view text);

} // namespace zbundle::util
