#pragma once

// What a delta bundle (--base, --receipt) left out must already be in the registry (internal to
// push).

#include "core/bundle/manifest.hpp"
#include "core/registry/push.hpp"
#include "core/registry/push_state.hpp"
#include "core/registry/upload_pool.hpp"

namespace zbundle::registry::detail {

// Checks, before a byte is sent, that the registry holds every manifest and blob the delta
// leaves out; each left-out blob found gets a source to be mounted from where it is missing.
// Throws Error{check} naming how many are missing, the first of them and what to do.
void require_left_out(const bundle::Manifest& manifest,
                      const PushOptions& options,
                      UploadPool& uploads,
                      PushState& state);

} // namespace zbundle::registry::detail
