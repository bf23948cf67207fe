#include "core/ocmirror/mirror_content.hpp"

#include "core/ics/image_ref.hpp"
#include "core/util/str_cat.hpp"

#include <numeric>
#include <string_view>

namespace zbundle::ocmirror {

std::uint64_t MirrorContent::blob_bytes() const noexcept {
  return std::accumulate(blobs.begin(),
                         blobs.end(),
                         std::uint64_t{0},
                         [](std::uint64_t sum, const auto& blob) { return sum + blob.second; });
}

std::size_t MirrorContent::image_count() const noexcept {
  std::set<std::string_view> digests;
  for (const auto& [name, repository] : repositories) {
    digests.insert(repository.manifests.begin(), repository.manifests.end());
    for (const auto& [tag, digest] : repository.tags) {
      digests.insert(digest);
    }
  }
  return digests.size();
}

std::size_t MirrorContent::tag_count() const noexcept {
  return std::accumulate(
      repositories.begin(),
      repositories.end(),
      std::size_t{0},
      [](std::size_t sum, const auto& repo) { return sum + repo.second.tags.size(); });
}

std::set<std::string> MirrorContent::catalog_names() const {
  std::set<std::string> names;
  for (const model::CatalogSource& catalog : catalogs) {
    const ics::ImageRef ref = ics::parse_image_ref(catalog.image);
    const std::size_t slash = ref.repository.rfind('/');
    const std::string name =
        slash == std::string::npos ? ref.repository : ref.repository.substr(slash + 1);
    names.insert(ref.tag.empty() ? name : util::str_cat(name, ":", ref.tag));
  }
  return names;
}

} // namespace zbundle::ocmirror
