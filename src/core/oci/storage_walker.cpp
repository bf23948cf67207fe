#include "core/oci/storage_walker.hpp"

#include "core/ics/image_ref.hpp"
#include "core/oci/manifest.hpp"
#include "core/oci/storage_path.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

namespace zbundle::oci {
namespace {

namespace fs = std::filesystem;
using util::str_cat;
using walk::EntryContent;
using walk::EntryType;
using walk::TreeEntry;

constexpr std::size_t k_layout_index_limit = std::size_t{4} << 20;
constexpr std::size_t k_link_limit = 256;

class Classifier {
public:
  explicit Classifier(StorageHandler& handler) : m_handler(handler) {}

  void visit(const std::string& container, const TreeEntry& entry, EntryContent& content) {
    const StoragePath storage = classify_storage_path(entry.path);
    const std::string subject =
        entry.disk_path.empty() ? str_cat(container, ": ", entry.path) : entry.disk_path;
    switch (storage.kind) {
    case StoragePathKind::v1_manifest:
      m_handler.on_revision(storage.repository, storage.digest);
      [[fallthrough]];
    case StoragePathKind::blob:
      if (entry.type == EntryType::regular) {
        m_handler.on_blob(subject, storage.digest, entry, content);
      } else {
        report(model::ProblemKind::missing_blob,
               subject,
               storage.digest,
               "not a regular file (not followed)");
      }
      break;
    case StoragePathKind::malformed_blob:
    case StoragePathKind::malformed_revision:
      report(model::ProblemKind::digest_mismatch, subject, "a sha256:<64 hex> name", entry.path);
      break;
    case StoragePathKind::revision_link:
      m_handler.on_revision(storage.repository, storage.digest);
      break;
    case StoragePathKind::layout_index:
      if (entry.type == EntryType::regular) {
        add_layout_tags(subject, container, content);
      }
      break;
    case StoragePathKind::tag_link:
      add_link_tag(subject, storage, entry, content);
      break;
    case StoragePathKind::v1_tag:
      if (entry.type == EntryType::symlink) {
        std::string target = entry.link_target;
        while (target.starts_with("./")) {
          target.erase(0, 2);
        }
        m_handler.on_tag({storage.repository, storage.tag, target, std::nullopt});
      }
      break;
    case StoragePathKind::none:
      if (entry.type != EntryType::directory) {
        m_handler.on_other(subject, entry, content);
      }
      break;
    }
  }

private:
  void report(model::ProblemKind kind, std::string path, std::string expected, std::string actual) {
    m_handler.on_problem({kind, std::move(path), std::move(expected), std::move(actual)});
  }

  void
  add_layout_tags(const std::string& subject, const std::string& container, EntryContent& content) {
    const std::string repository = fs::path(container).filename().string();
    try {
      for (const LayoutEntry& entry :
           parse_layout_index(content.read_text(k_layout_index_limit), subject)) {
        m_handler.on_tag({repository,
                          entry.tag,
                          entry.descriptor.digest,
                          entry.descriptor.size,
                          entry.descriptor.media_type});
      }
    } catch (const Error& error) {
      report(model::ProblemKind::bad_manifest, subject, "an OCI layout index", error.what());
    }
  }

  void add_link_tag(const std::string& subject,
                    const StoragePath& storage,
                    const TreeEntry& entry,
                    EntryContent& content) {
    std::string link = entry.type == EntryType::regular && entry.size <= k_link_limit
                           ? content.read_text(k_link_limit)
                           : std::string();
    while (!link.empty() && (link.back() == '\n' || link.back() == '\r')) {
      link.pop_back();
    }
    if (!ics::is_sha256_digest(link)) {
      report(model::ProblemKind::dangling_tag,
             subject,
             "a link holding sha256:<64 hex>",
             link.empty() ? "unreadable link" : link);
      return;
    }
    m_handler.on_tag({storage.repository, storage.tag, link, std::nullopt});
  }

  StorageHandler& m_handler;
};

} // namespace

void walk_storage(const walk::WalkPlan& plan, const std::string& input, StorageHandler& handler) {
  Classifier classifier(handler);
  std::string container;
  try {
    walk::walk_plan(
        plan,
        [&container](const std::string& entered) { container = entered; },
        [&classifier, &container](const TreeEntry& entry, EntryContent& content) {
          classifier.visit(container, entry, content);
        });
  } catch (const Error& error) {
    if (error.kind() != ErrorKind::input) {
      throw;
    }
    handler.on_problem(
        {model::ProblemKind::unreadable, input, "a complete archive or tree", error.what()});
  }
}

} // namespace zbundle::oci
