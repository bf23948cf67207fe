#pragma once

// The index, its signature and the end of the archive, checked after the payload pass.
// Internal to the bundle reader.

#include "core/bundle/reader_state.hpp"

namespace zbundle::bundle::detail {

// Checks the index member `index_member` (just read as the pass's next member), its signature
// with the trusted key, the frames the pass found against it, and the end of the archive;
// every violation to `on_problem`.
void check_index_and_end(ReaderState& state,
                         const Member& index_member,
                         const ProblemHandler& on_problem);

} // namespace zbundle::bundle::detail
