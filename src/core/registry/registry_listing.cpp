// RegistryClient's listings: the catalog and the tags of a repository, page by page (OCI
// distribution spec, "Listing Tags"; the catalog is distribution's extension of the same form).

#include "core/ics/image_ref.hpp"
#include "core/registry/registry_answers.hpp"
#include "core/registry/registry_client.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/untrusted_text.hpp"

#include <set>

namespace zbundle::registry {
namespace {

using util::str_cat;

constexpr std::size_t k_page_size = 1000;
constexpr std::size_t k_max_pages = 10'000;

} // namespace

std::vector<std::string> RegistryClient::list_pages(std::string first,
                                                    const std::string& repository,
                                                    std::string_view field,
                                                    bool (*is_valid)(std::string_view) noexcept,
                                                    std::size_t limit) {
  // A next page must list the same thing: its path is the first page's, before the query.
  const std::string path = first.substr(0, first.find('?'));
  const std::string what = repository.empty() ? "the catalog" : str_cat(repository, " tags");
  const auto refuse_listing = [&](std::string_view why) {
    throw RegistryError(str_cat(endpoint().authority(), ": ", what, ": ", why), Failure::refused);
  };
  std::vector<std::string> names;
  std::set<std::string> pages_seen;
  for (std::string target = std::move(first); !target.empty();) {
    if (!pages_seen.insert(target).second || pages_seen.size() > k_max_pages) {
      refuse_listing("the pages do not end");
    }
    const HttpResponse response = send("GET", target, repository, {});
    if (response.status == 404) {
      return names; // no catalog (Quay, ECR) or no such repository: nothing listed
    }
    if (response.status != 200) {
      refuse(str_cat("cannot list ", what), response);
    }
    std::vector<std::string> listed;
    try {
      listed = listed_names(response, field);
    } catch (const Error& error) {
      refuse_listing(error.what()); // not JSON, beyond bounds, not a list of strings
    }
    for (std::string& name : listed) {
      if (!is_valid(name)) {
        refuse_listing(str_cat("not a valid name: ", '"', util::printable(name), '"'));
      }
      if (names.size() == limit) {
        refuse_listing(str_cat("more than ", limit, " names"));
      }
      names.push_back(std::move(name));
    }
    target = next_page(response);
    if (!target.empty() && target.substr(0, target.find('?')) != path) {
      refuse_listing(str_cat("the next page is elsewhere: ", util::printable(target)));
    }
  }
  return names;
}

std::vector<std::string> RegistryClient::repositories(std::size_t limit) {
  return list_pages(
      str_cat("/v2/_catalog?n=", k_page_size), "", "repositories", ics::is_repository_path, limit);
}

std::vector<std::string> RegistryClient::tags(const std::string& repository, std::size_t limit) {
  return list_pages(str_cat("/v2/", repository, "/tags/list?n=", k_page_size),
                    repository,
                    "tags",
                    ics::is_tag,
                    limit);
}

} // namespace zbundle::registry
