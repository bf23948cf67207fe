#include "core/extract/tree_registry.hpp"

#include "core/bundle/sequence.hpp"
#include "core/ics/image_ref.hpp"
#include "core/oci/manifest.hpp"
#include "core/pki/certificate_file.hpp"
#include "core/util/error.hpp"
#include "core/util/sha256.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/text_file.hpp"

#include <set>
#include <system_error>

namespace zbundle::extract {
namespace {

namespace fs = std::filesystem;
using util::str_cat;

constexpr std::size_t k_link_limit = 128;
constexpr std::size_t k_manifest_limit = std::size_t{4} << 20; // distribution's own limit
constexpr unsigned k_max_index_depth = 4;
constexpr std::size_t k_max_repositories = 100'000;

fs::path storage(const fs::path& root) {
  return root / "registry/docker/registry/v2";
}

fs::path repository_dir(const fs::path& root, const std::string& name) {
  return storage(root) / "repositories" / name;
}

std::string hex_of(const std::string& digest) {
  return digest.substr(std::string_view("sha256:").size());
}

bool is_plain_file(const fs::path& path) {
  std::error_code error;
  return fs::symlink_status(path, error).type() == fs::file_type::regular;
}

bool is_real_directory(const fs::path& path) {
  std::error_code error;
  return fs::symlink_status(path, error).type() == fs::file_type::directory;
}

// A link file's digest: "sha256:<hex>", nothing else (distribution writes no newline).
std::string read_link(const fs::path& link) {
  std::string text = util::read_text_file(link, k_link_limit);
  if (!ics::is_sha256_digest(text)) {
    throw Error(ErrorKind::check, str_cat(link.string(), ": not a sha256 digest link"));
  }
  return text;
}

class TreeWalk {
public:
  TreeWalk(const fs::path& root, const std::string& name)
      : m_root(root), m_repository(repository_dir(root, name)) {
    m_held.name = name;
  }

  model::HeldRepository read() {
    const fs::path tags = m_repository / "_manifests/tags";
    if (!is_real_directory(tags)) {
      return std::move(m_held);
    }
    std::set<std::pair<std::string, std::string>> tagged; // sorted, so the walk is stable
    for (const fs::directory_entry& entry : fs::directory_iterator(tags)) {
      const std::string tag = entry.path().filename().string();
      const fs::path current = entry.path() / "current/link";
      if (!ics::is_tag(tag) || !is_plain_file(current)) {
        throw Error(ErrorKind::check, str_cat(entry.path().string(), ": not a tag of the layout"));
      }
      tagged.emplace(tag, read_link(current));
    }
    for (const auto& [tag, digest] : tagged) {
      if (read_manifest(digest, 0)) {
        m_held.tags.emplace(tag, digest);
      }
    }
    return std::move(m_held);
  }

private:
  bool read_manifest(const std::string& digest, unsigned depth) {
    if (m_held.manifests.contains(digest)) {
      return true;
    }
    const std::string hex = hex_of(digest);
    const fs::path data = storage(m_root) / "blobs/sha256" / hex.substr(0, 2) / hex / "data";
    if (!is_plain_file(m_repository / "_manifests/revisions/sha256" / hex / "link")
        || !is_plain_file(data)) {
      return false; // distribution would answer 404
    }
    if (depth > k_max_index_depth) {
      throw Error(ErrorKind::check, str_cat(data.string(), ": indexes nested too deep"));
    }
    const std::string body = util::read_text_file(data, k_manifest_limit);
    util::Sha256 hasher;
    hasher.update(std::as_bytes(std::span(body)));
    if (hasher.finish() != digest) {
      throw Error(ErrorKind::check, str_cat(data.string(), ": its bytes are not ", digest));
    }
    const oci::Manifest manifest = oci::parse_manifest(body, data.string());
    model::HeldManifest& record = m_held.manifests[digest];
    record.media_type = manifest.media_type;
    for (const oci::Descriptor* blob : manifest.blobs()) {
      if (blob->is_foreign) {
        continue;
      }
      const std::string blob_hex = hex_of(blob->digest);
      const bool is_held = is_plain_file(storage(m_root) / "blobs/sha256" / blob_hex.substr(0, 2)
                                         / blob_hex / "data")
                           && is_plain_file(m_repository / "_layers/sha256" / blob_hex / "link");
      (is_held ? record.blobs : record.missing_blobs).push_back(blob->digest);
    }
    std::vector<std::string> children;
    for (const oci::Descriptor& child : manifest.children) {
      children.push_back(child.digest);
    }
    record.manifests = children; // the map entry stays where it is while children are added
    for (const std::string& child : children) {
      (void)read_manifest(child, depth + 1);
    }
    return true;
  }

  const fs::path& m_root;
  fs::path m_repository;
  model::HeldRepository m_held;
};

// The repositories below `directory` (a directory holding `_manifests` is one), by name.
void find_repositories(const fs::path& directory,
                       const std::string& name,
                       std::vector<std::string>& names) {
  for (const fs::directory_entry& entry : fs::directory_iterator(directory)) {
    const std::string component = entry.path().filename().string();
    if (!is_real_directory(entry.path()) || component.starts_with('_')) {
      continue;
    }
    const std::string child = name.empty() ? component : str_cat(name, "/", component);
    if (!ics::is_repository_path(child)) {
      throw Error(ErrorKind::check, str_cat(entry.path().string(), ": not a repository name"));
    }
    if (is_real_directory(entry.path() / "_manifests")) {
      names.push_back(child);
      if (names.size() > k_max_repositories) {
        throw Error(ErrorKind::check, str_cat(directory.string(), ": too many repositories"));
      }
    }
    find_repositories(entry.path(), child, names);
  }
}

class TreePruneTarget final : public bundle::PruneTarget {
public:
  explicit TreePruneTarget(fs::path root) : m_root(std::move(root)) {}
  [[nodiscard]] std::string name_of(const std::string& repository,
                                    const bundle::Manifest& /*manifest*/) const override {
    return repository; // expand writes the bundle's names as they are
  }
  [[nodiscard]] model::HeldRepository read(const std::string& name) override {
    return read_tree_repository(m_root, name);
  }
  [[nodiscard]] bool remove(const std::string& name, const std::string& digest) override {
    return remove_tree_manifest(m_root, name, digest);
  }

private:
  fs::path m_root;
};

} // namespace

model::HeldRepository read_tree_repository(const fs::path& root, const std::string& name) {
  try {
    return TreeWalk(root, name).read();
  } catch (const fs::filesystem_error& error) {
    throw Error(ErrorKind::io, str_cat(error.path1().string(), ": ", error.code().message()));
  }
}

model::Inventory read_tree_inventory(const fs::path& root) {
  const fs::path repositories = storage(root) / "repositories";
  if (!is_real_directory(repositories)) {
    throw Error(ErrorKind::input,
                str_cat(root.string(), ": no registry tree (registry/docker/registry/v2) here"));
  }
  std::vector<std::string> names;
  try {
    find_repositories(repositories, "", names);
  } catch (const fs::filesystem_error& error) {
    throw Error(ErrorKind::io, str_cat(error.path1().string(), ": ", error.code().message()));
  }
  model::Inventory inventory;
  std::set<std::string> blobs;
  for (const std::string& name : names) {
    model::HeldRepository held = read_tree_repository(root, name);
    if (held.tags.empty()) {
      continue;
    }
    inventory.manifests += held.manifests.size();
    for (const auto& [digest, manifest] : held.manifests) {
      blobs.insert(manifest.blobs.begin(), manifest.blobs.end());
    }
    inventory.repositories.push_back(std::move(held));
  }
  inventory.blobs = blobs.size();
  return inventory;
}

bool remove_tree_manifest(const fs::path& root,
                          const std::string& name,
                          const std::string& digest) {
  const fs::path repository = repository_dir(root, name);
  const fs::path revision = repository / "_manifests/revisions/sha256" / hex_of(digest);
  if (!is_real_directory(revision)) {
    return false;
  }
  std::error_code error;
  const fs::path tags = repository / "_manifests/tags";
  if (is_real_directory(tags)) {
    for (const fs::directory_entry& entry : fs::directory_iterator(tags)) {
      const fs::path current = entry.path() / "current/link";
      if (is_plain_file(current) && read_link(current) == digest) {
        fs::remove_all(entry.path(), error);
        if (error) {
          throw Error(ErrorKind::io, str_cat(entry.path().string(), ": ", error.message()));
        }
      }
    }
  }
  fs::remove_all(revision, error);
  if (error) {
    throw Error(ErrorKind::io, str_cat(revision.string(), ": ", error.message()));
  }
  return true;
}

std::string tree_target(const fs::path& root) {
  return str_cat("expand:", fs::absolute(root).lexically_normal().string());
}

receipt::Receipt take_tree_receipt(const fs::path& root,
                                   const ics::MirrorName& served_as,
                                   const fs::path& state_dir,
                                   std::int64_t now) {
  receipt::Receipt receipt;
  receipt.registry = served_as.registry();
  receipt.name_space = served_as.name_space;
  receipt.created = pki::format_time(now);
  for (bundle::RecordedBundle& recorded : bundle::recorded_bundles(state_dir, tree_target(root))) {
    receipt.bundles.push_back({std::move(recorded.id), std::move(recorded.created)});
  }
  receipt.inventory = read_tree_inventory(root);
  return receipt;
}

bundle::PruneResult prune_tree(const fs::path& root, bundle::PruneRun run) {
  run.target = tree_target(root);
  run.audit_name = fs::absolute(root).lexically_normal().string();
  return bundle::prune(run, [&] { return std::make_unique<TreePruneTarget>(root); });
}

} // namespace zbundle::extract
