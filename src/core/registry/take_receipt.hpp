#pragma once

// zbundle-extract receipt: what the site's registry holds, with the bundles pushed there.

#include "core/ics/mirror_name.hpp"
#include "core/receipt/receipt.hpp"
#include "core/registry/http_connection.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace zbundle::registry {

struct TakeOptions {
  ics::MirrorName target; // the registry and the namespace below which to look
  Endpoint endpoint;      // how to reach it
  std::optional<std::string> basic_auth;
  std::filesystem::path state_dir; // where push recorded the bundles it pushed there
  std::int64_t now = 0;            // the receipt's time, Unix seconds
};

// What the registry holds below the namespace now, with the bundles the sequence recorded for
// push to it. Throws RegistryError when the registry cannot be read (see read_inventory).
[[nodiscard]] receipt::Receipt take_receipt(const TakeOptions& options);

} // namespace zbundle::registry
