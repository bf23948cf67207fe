#pragma once

// Free space, checked before a long write starts: a run that cannot finish says so at once,
// with the bound and what is free, instead of failing an hour later on ENOSPC.

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace zbundle::util {

// Throws Error{io} naming `directory`, the bytes free to an unprivileged writer and `needed`,
// when fewer than `needed` are free; `what` says what needs them ("the bundle"). Throws
// Error{io} when the file system cannot tell.
void require_free_space(const std::filesystem::path& directory,
                        std::uint64_t needed,
                        std::string_view what);

} // namespace zbundle::util
