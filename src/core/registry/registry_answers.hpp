#pragma once

// What zbundle takes from a registry's (or its token service's) answers, read in one place:
// an error body's code and message, the next page of a listing, the names a page lists, the
// token. Each is total over hostile answers: it returns, or throws zbundle::Error; the
// registry_answers fuzz target holds them to that.

#include "core/registry/http_connection.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zbundle::registry {

// "code: message" of the first error in a distribution error body (printable), or
// "HTTP <status>" when the body says nothing readable.
[[nodiscard]] std::string registry_says(const HttpResponse& response);

// "NAME_UNKNOWN", "NAME_INVALID" or "DENIED" when the body says so, else empty.
[[nodiscard]] std::string_view error_code(const HttpResponse& response);

// The request target of a `Link: <...>; rel="next"` header, or empty when there is no next
// page.
[[nodiscard]] std::string next_page(const HttpResponse& response);

// The names listed under `field` ("tags", "repositories") of a page; absent or null reads as
// none (distribution answers "tags": null for a repository without tags). Throws
// Error{check} saying why for a body that is not bounded JSON, a field that is not a list or
// an item that is not a string. The names' grammar is the caller's to check.
[[nodiscard]] std::vector<std::string> listed_names(const HttpResponse& response,
                                                    std::string_view field);

// The token a token service's answer grants ("token", else "access_token"), or nullopt when
// the answer is not a 200 holding one as a string.
[[nodiscard]] std::optional<std::string> granted_token(const HttpResponse& response);

} // namespace zbundle::registry
