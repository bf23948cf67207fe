#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace zbundle::util {

// Reads a small text file (metadata, YAML, link files) whole, never following a symlink.
// Throws Error{input} when the file is missing, not a regular file, or larger than max_bytes;
// Error{io} when reading fails.
[[nodiscard]] std::string read_text_file(const std::filesystem::path& path, std::size_t max_bytes);

} // namespace zbundle::util
