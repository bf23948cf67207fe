// The manifest's repositories and its prune list: what the registry is to hold once the
// bundle is applied, and what it may then let go of.

#include "core/bundle/manifest_json.hpp"

#include <set>

namespace zbundle::bundle::manifest_json {

using util::str_cat;

Json repositories_json(const std::vector<model::RepositoryRecord>& repositories) {
  Json list = Json::array();
  for (const model::RepositoryRecord& repository : repositories) {
    Json tags = Json::object();
    for (const auto& [tag, digest] : repository.tags) {
      tags[tag] = digest;
    }
    list.push_back({{"name", repository.name},
                    {"tags", std::move(tags)},
                    {"manifests", repository.manifests},
                    {"blobs", repository.blobs}});
  }
  return list;
}

namespace {

std::string checked_repository_name(std::string name, std::string_view field) {
  if (!ics::is_repository_path(name)) { // it goes into URLs and paths as it is
    refuse(field, str_cat("not a repository name: ", util::printable(name)));
  }
  return name;
}

} // namespace

std::vector<model::RepositoryRecord> parse_repositories(const Json& list) {
  std::vector<model::RepositoryRecord> repositories;
  for (const Json& item : list) {
    const Reader entry(item, "repositories[]", {"name", "tags", "manifests", "blobs"});
    model::RepositoryRecord repository;
    repository.name = checked_repository_name(entry.text("name"), "repositories[].name");
    const std::string field = str_cat("repositories[", repository.name, "]");
    for (const auto& [tag, digest] : entry.at("tags", Json::value_t::object).items()) {
      if (!ics::is_tag(tag)) {
        refuse(str_cat(field, ".tags"), str_cat("not a tag: ", util::printable(tag)));
      }
      if (!digest.is_string()) {
        refuse(str_cat(field, ".tags.", tag), "not a string");
      }
      repository.tags[tag] =
          checked_digest(digest.get<std::string>(), str_cat(field, ".tags.", tag));
    }
    for (std::string& digest : text_list(entry.array("manifests"), str_cat(field, ".manifests"))) {
      repository.manifests.insert(checked_digest(std::move(digest), str_cat(field, ".manifests")));
    }
    for (std::string& digest : text_list(entry.array("blobs"), str_cat(field, ".blobs"))) {
      repository.blobs.insert(checked_digest(std::move(digest), str_cat(field, ".blobs")));
    }
    repositories.push_back(std::move(repository));
  }
  return repositories;
}

Json prune_json(const std::vector<PruneItem>& items) {
  Json list = Json::array();
  for (const PruneItem& item : items) {
    list.push_back({{"repository", item.repository}, {"digest", item.digest}, {"tags", item.tags}});
  }
  return list;
}

std::vector<PruneItem> parse_prune(const Json& list,
                                   const std::vector<model::RepositoryRecord>& repositories) {
  if (list.empty()) {
    refuse("prune", "empty (a bundle that drops nothing has no prune list)");
  }
  std::set<std::string> referenced; // "<repository>@<digest>"
  for (const model::RepositoryRecord& record : repositories) {
    for (const std::string& digest : record.manifests) {
      referenced.insert(str_cat(record.name, "@", digest));
    }
    for (const auto& [tag, digest] : record.tags) {
      referenced.insert(str_cat(record.name, "@", digest));
    }
  }
  std::vector<PruneItem> items;
  for (const Json& json : list) {
    const Reader entry(json, "prune[]", {"repository", "digest", "tags"});
    PruneItem item;
    item.repository = checked_repository_name(entry.text("repository"), "prune[].repository");
    const std::string field = str_cat("prune[", item.repository, "]");
    item.digest = checked_digest(entry.text("digest"), str_cat(field, ".digest"));
    item.tags = text_list(entry.array("tags"), str_cat(field, ".tags"));
    for (const std::string& tag : item.tags) {
      if (!ics::is_tag(tag)) {
        refuse(str_cat(field, ".tags"), str_cat("not a tag: ", util::printable(tag)));
      }
    }
    if (!std::is_sorted(item.tags.begin(), item.tags.end())
        || std::adjacent_find(item.tags.begin(), item.tags.end()) != item.tags.end()) {
      refuse(str_cat(field, ".tags"), "not sorted, or a tag twice");
    }
    if (!items.empty()
        && std::tie(items.back().repository, items.back().digest)
               >= std::tie(item.repository, item.digest)) {
      refuse("prune", "not sorted by repository and digest, or an item twice");
    }
    // A bundle that lists a manifest both to keep and to delete contradicts itself.
    if (referenced.contains(str_cat(item.repository, "@", item.digest))) {
      refuse(str_cat(field, ".digest"),
             str_cat(item.digest, " is also in the bundle's own repository"));
    }
    items.push_back(std::move(item));
  }
  return items;
}

} // namespace zbundle::bundle::manifest_json
