#include "core/registry/registry_answers.hpp"

#include "core/registry/request_target.hpp"
#include "core/util/bounded_parse.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/untrusted_text.hpp"

#include <nlohmann/json.hpp>

namespace zbundle::registry {

using util::str_cat;

std::string registry_says(const HttpResponse& response) {
  nlohmann::json document;
  try {
    document = util::parse_bounded_json(response.body, "the registry's answer");
  } catch (const Error&) {
    return str_cat("HTTP ", response.status); // not JSON, or beyond bounds: the status says it
  }
  if (document.is_object() && document.contains("errors") && document["errors"].is_array()
      && !document["errors"].empty() && document["errors"][0].is_object()) {
    const auto& first = document["errors"][0];
    const auto text = [&first](const char* key, const char* otherwise) {
      const auto found = first.find(key);
      return util::printable(found != first.end() && found->is_string() ? found->get<std::string>()
                                                                        : otherwise);
    };
    return str_cat(text("code", "?"), ": ", text("message", ""));
  }
  return str_cat("HTTP ", response.status);
}

std::string_view error_code(const HttpResponse& response) {
  const std::string said = registry_says(response);
  return said.starts_with("NAME_UNKNOWN")   ? "NAME_UNKNOWN"
         : said.starts_with("NAME_INVALID") ? "NAME_INVALID"
         : said.starts_with("DENIED")       ? "DENIED"
                                            : "";
}

std::string next_page(const HttpResponse& response) {
  const auto link = response.headers.find("link");
  if (link == response.headers.end() || link->second.find("rel=\"next\"") == std::string::npos) {
    return {};
  }
  const std::size_t open = link->second.find('<');
  const std::size_t close = link->second.find('>', open == std::string::npos ? 0 : open);
  if (open == std::string::npos || close == std::string::npos) {
    return {};
  }
  return request_target(std::string_view(link->second).substr(open + 1, close - open - 1));
}

std::vector<std::string> listed_names(const HttpResponse& response, std::string_view field) {
  nlohmann::json page = util::parse_bounded_json(response.body, "the answer");
  const auto listed = page.is_object() ? page.find(field) : page.end();
  if (listed == page.end() || listed->is_null()) {
    return {};
  }
  if (!listed->is_array()) {
    throw Error(ErrorKind::check, "not a list");
  }
  std::vector<std::string> names;
  names.reserve(listed->size());
  for (nlohmann::json& name : *listed) {
    if (!name.is_string()) {
      throw Error(ErrorKind::check, str_cat("not a valid name: ", util::printable(name.dump())));
    }
    names.push_back(std::move(name.get_ref<std::string&>()));
  }
  return names;
}

std::optional<std::string> granted_token(const HttpResponse& response) {
  if (response.status != 200) {
    return std::nullopt;
  }
  nlohmann::json document;
  try {
    document = util::parse_bounded_json(response.body, "the token service's answer");
  } catch (const Error&) {
    return std::nullopt;
  }
  if (!document.is_object()) {
    return std::nullopt;
  }
  const char* field = document.contains("token") ? "token" : "access_token";
  const auto token = document.find(field);
  if (token == document.end() || !token->is_string()) {
    return std::nullopt;
  }
  return token->get<std::string>();
}

} // namespace zbundle::registry
