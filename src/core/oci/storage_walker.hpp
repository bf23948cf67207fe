#pragma once

// One walk over mirror inputs (what the oc-mirror reader accepts: registry trees, OCI image
// layouts, oc-mirror v1/v2 directories and archive sets, read in place), with every file
// classified by the storage layouts of oci/storage_path.hpp: blobs under their digests,
// tags, revisions, and the rest. verify-digests and the bundle writer walk the same way.

#include "core/oci/reference_graph.hpp"
#include "core/walk/tree_walker.hpp"

#include <filesystem>
#include <string>

namespace zbundle::oci {

class StorageHandler {
public:
  StorageHandler() = default;
  StorageHandler(const StorageHandler&) = delete;
  StorageHandler& operator=(const StorageHandler&) = delete;
  virtual ~StorageHandler() = default;

  // A regular file stored under `digest` ("sha256:<hex>"): a registry blob, a v1 blob or
  // manifest, an OCI layout blob. `subject` names it in messages.
  virtual void on_blob(const std::string& subject,
                       const std::string& digest,
                       const walk::TreeEntry& entry,
                       walk::EntryContent& content) = 0;
  virtual void on_tag(StoredTag tag) = 0;
  virtual void on_revision(const std::string& repository, const std::string& digest) = 0;
  // A file that is not registry storage (oc-mirror's working-dir, metadata, the ISC), or a
  // symlink or other non-regular entry outside the blob tree.
  virtual void on_other(const std::string& subject,
                        const walk::TreeEntry& entry,
                        walk::EntryContent& content) = 0;
  virtual void on_problem(model::Problem problem) = 0;
};

// Walks `plan` (what one input is read from; ocmirror::plan_input decides it), archives first,
// then directories. An input that cannot be read to the end is reported as an `unreadable`
// problem naming `input`.
void walk_storage(const walk::WalkPlan& plan, const std::string& input, StorageHandler& handler);

} // namespace zbundle::oci
