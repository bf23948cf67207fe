#pragma once

// The request targets zbundle sends: the path and query it takes from a URL a registry gave
// (Location, Link), and the grammar every target must meet before it goes into a request line.

#include <string>
#include <string_view>

namespace zbundle::registry {

// The path and query of `url` (a Location or Link target), which may be absolute or relative.
[[nodiscard]] std::string request_target(std::string_view url);

// Why `target` may not be sent, or empty when it may. zbundle builds targets from names that
// came from outside (the signed model, a registry's Location header), so each must be an
// absolute path with an optional query, printable ASCII with no space, and with no "." or ".."
// segment a server or proxy would fold into another path: anything else could end the request
// line early or smuggle a second request.
[[nodiscard]] std::string request_target_problem(std::string_view target);

} // namespace zbundle::registry
