#pragma once

// Standard base64 (RFC 4648 section 4, padded), as container auth files and cosign signature
// annotations spell bytes.

#include <optional>
#include <string>
#include <string_view>

namespace zbundle::util {

// The bytes `text` encodes, or nullopt when it is not padded base64 or would decode to more
// than `limit` bytes.
[[nodiscard]] std::optional<std::string> decode_base64(std::string_view text, std::size_t limit);

// `bytes`, padded, on one line.
[[nodiscard]] std::string encode_base64(std::string_view bytes);

} // namespace zbundle::util
