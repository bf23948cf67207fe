#include "core/extract/registry_links.hpp"

#include "core/bundle/entry_path.hpp"
#include "core/ics/image_ref.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <algorithm>
#include <set>

namespace zbundle::extract {
namespace {

using util::str_cat;

constexpr std::string_view k_repositories = "registry/docker/registry/v2/repositories/";
std::string hex_of(const std::string& digest) {
  return digest.substr(std::string_view("sha256:").size());
}

} // namespace

std::vector<LinkFile> registry_links(const std::vector<model::RepositoryRecord>& repositories) {
  std::vector<LinkFile> links;
  for (const model::RepositoryRecord& repository : repositories) {
    const std::string base = str_cat(k_repositories, repository.name, "/");
    const std::string where = str_cat("ZBUNDLE/manifest.json: repositories[", repository.name, "]");
    if (const std::string problem = bundle::payload_path_problem(str_cat(base, "_layers"));
        !problem.empty() || str_cat("/", repository.name).find("/_") != std::string::npos) {
      throw Error(ErrorKind::check, str_cat(where, ": not a safe repository name: ", problem));
    }
    for (const std::string& digest : repository.manifests) {
      links.push_back(
          {str_cat(base, "_manifests/revisions/sha256/", hex_of(digest), "/link"), digest});
    }
    for (const auto& [tag, digest] : repository.tags) {
      if (!ics::is_tag(tag)) {
        throw Error(ErrorKind::check, str_cat(where, ".tags: not a tag: ", tag));
      }
      links.push_back({str_cat(base, "_manifests/tags/", tag, "/current/link"), digest});
      links.push_back(
          {str_cat(base, "_manifests/tags/", tag, "/index/sha256/", hex_of(digest), "/link"),
           digest});
    }
    for (const std::string& digest : repository.blobs) {
      links.push_back({str_cat(base, "_layers/sha256/", hex_of(digest), "/link"), digest});
    }
  }
  return links;
}

std::vector<std::string> blobs_left_to_base(const bundle::Manifest& manifest) {
  std::set<std::string> carried;
  for (const bundle::Entry& entry : manifest.entries) {
    carried.insert(entry.path);
  }
  std::set<std::string> left;
  const auto note = [&](const std::string& digest) {
    if (std::string path = bundle::blob_entry_path(digest); !carried.contains(path)) {
      left.insert(std::move(path));
    }
  };
  for (const model::RepositoryRecord& repository : manifest.repositories) {
    std::for_each(repository.manifests.begin(), repository.manifests.end(), note);
    std::for_each(repository.blobs.begin(), repository.blobs.end(), note);
  }
  return {left.begin(), left.end()};
}

} // namespace zbundle::extract
