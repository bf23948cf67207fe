#include "core/extract/expand.hpp"

#include "core/bundle/applied_history.hpp"
#include "core/bundle/sequence.hpp"
#include "core/extract/registry_links.hpp"
#include "core/extract/safe_tree.hpp"
#include "core/extract/tree_registry.hpp"
#include "core/util/background_writer.hpp"
#include "core/util/error.hpp"
#include "core/util/file_appender.hpp"
#include "core/util/free_space.hpp"
#include "core/util/sha256.hpp"
#include "core/util/str_cat.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <set>
#include <utility>
#include <vector>

namespace zbundle::extract {
namespace {

namespace fs = std::filesystem;

// Files this large are written from a second thread, around the page cache where they can be
// (util::DiskWrites): on two cores, copying them into the cache cost as much as hashing them.
constexpr std::uint64_t k_big_file_size = std::uint64_t{1} << 20;
using util::str_cat;

std::string_view prefix_of(Part part) {
  switch (part) {
  case Part::registry:
    return "registry/";
  case Part::artifacts:
    return "artifacts/";
  case Part::oc_mirror:
    return "oc-mirror/";
  case Part::boot:
    return "boot/";
  }
  return "";
}

bool is_selected(const ExpandOptions& options, std::string_view path) {
  return !options.only || path.starts_with(prefix_of(*options.only));
}

// Scripts rendered under artifacts/ are meant to be run; everything else is data.
unsigned mode_of(std::string_view path) {
  return path.starts_with("artifacts/") && path.ends_with(".sh") ? 0755 : 0644;
}

// The staging directory and what it holds; removed however the expansion ends.
class Staging {
public:
  Staging(fs::path target, int target_fd) : m_target(std::move(target)), m_target_fd(target_fd) {
    struct stat status {};
    if (::fstat(target_fd, &status) == 0) {
      m_target_times = {status.st_atim, status.st_mtim};
    }
  }
  Staging(const Staging&) = delete;
  Staging& operator=(const Staging&) = delete;
  // Removes the staging directory; when nothing was committed the target's times are put
  // back too, so a failed run leaves the target exactly as it was.
  ~Staging() {
    if (!m_path.empty()) {
      remove_tree(m_path);
      if (!m_is_committed) {
        (void)::futimens(m_target_fd, m_target_times.data());
      }
    }
  }

  // A new file for `path`, which must stay valid until commit(); its bytes go through write().
  // The staging directory is made for the first one, so a run with nothing to write does not
  // touch the target at all. Staged files lie flat, named by number: a registry tree has two
  // directories per blob, and making them twice (and deleting the staged copies) doubled the
  // inodes a run allocates, the slowest thing it does on a file system without a journal.
  util::Fd create(std::string_view path) {
    if (m_path.empty()) {
      std::string pattern = (m_target / ".zbundle-staging-XXXXXX").string();
      if (::mkdtemp(pattern.data()) == nullptr) { // mode 0700
        throw Error(
            ErrorKind::io,
            str_cat(
                m_target.string(), ": cannot create a staging directory: ", errno_message(errno)));
      }
      m_path = pattern;
      m_fd = open_directory(m_path);
      lock_directory(m_fd.get(), m_path.string()); // alive: a later run leaves it alone
    }
    const std::string name = std::to_string(m_files.size());
    m_files.emplace_back(path);
    return create_file(m_fd.get(), name, mode_of(path), path);
  }

  // Syncs what was staged (one syncfs, not one fsync per file: 100k small files would spend
  // minutes), renames every staged file into the target, then syncs the directories it changed.
  void commit() {
    if (m_files.empty()) {
      return;
    }
    if (::syncfs(m_fd.get()) != 0) {
      throw Error(ErrorKind::io, str_cat(m_path.string(), ": cannot sync: ", errno_message(errno)));
    }
    m_is_committed = true;
    // Files come grouped by directory: one target directory open at a time, synced when the
    // renames into it are done (a registry has a directory per blob; keeping them all open
    // would run out of descriptors).
    std::string_view parent;
    util::Fd target_parent;
    for (std::size_t number = 0; number < m_files.size(); ++number) {
      const std::string_view path = m_files[number];
      const auto [path_parent, name] = split_parent(path);
      if (!target_parent.is_open() || path_parent != parent) {
        if (target_parent.is_open()) {
          sync(target_parent.get(), parent);
        }
        parent = path_parent;
        target_parent = make_directories(m_target_fd, parent, path);
      }
      const std::string staged = std::to_string(number);
      const std::string file(name);
      if (::renameat(m_fd.get(), staged.c_str(), target_parent.get(), file.c_str()) != 0) {
        throw Error(ErrorKind::io,
                    str_cat(path, ": cannot move into place: ", errno_message(errno)));
      }
    }
    if (target_parent.is_open()) {
      sync(target_parent.get(), parent);
    }
    sync(m_target_fd, "the target directory");
  }

private:
  fs::path m_target;
  fs::path m_path;
  util::Fd m_fd;
  int m_target_fd;
  std::array<timespec, 2> m_target_times{timespec{0, UTIME_OMIT}, timespec{0, UTIME_OMIT}};
  bool m_is_committed = false;
  std::vector<std::string_view> m_files; // entry paths of the manifest, link paths; staged
                                         // as their index
};

// A big entry the bundle reader reads by itself on a worker (EntrySink::split): its file made
// in the staging directory on the pass's thread, written on the worker's, counted at its end.
class SplitEntrySink final : public bundle::EntrySink {
public:
  SplitEntrySink(util::Fd fd, const bundle::Entry& entry, ExpandResult& result)
      : m_file(std::move(fd), entry.path, util::DiskWrites::direct_when_aligned), m_result(result) {
  }

  void begin(const bundle::Entry& /*entry*/) override {} // split() made the file
  void write(std::span<const std::byte> bytes) override { m_writer.write(bytes); }
  void end(const bundle::Entry& entry, bool is_verified) override {
    if (!is_verified) { // the reader reported it already; never keep a byte of it
      throw Error(ErrorKind::check, str_cat(entry.path, ": does not match the manifest"));
    }
    m_writer.flush();
    m_file.start_writeback();
    ++m_result.written;
    m_result.bytes += entry.size;
  }

private:
  util::FileAppender m_file;
  ExpandResult& m_result;
  // last: its thread writes into m_file, and stops before m_file goes away
  util::BackgroundWriter m_writer{
      [this](std::span<const std::byte> bytes) { m_file.write(bytes); }};
};

// Receives the verified stream: each selected entry into the staging directory, unless the
// target holds it already.
class StagingSink final : public bundle::EntrySink {
public:
  StagingSink(const ExpandOptions& options, Staging& staging, int target_fd, ExpandResult& result)
      : m_options(options), m_staging(staging), m_target_fd(target_fd), m_result(result) {}

  void begin(const bundle::Entry& entry) override {
    m_file = util::FileAppender();
    if (!is_selected(m_options, entry.path)) {
      return;
    }
    if (&entry == std::exchange(m_known_held, nullptr)
        || holds_file(m_target_fd, entry.path, entry.size, entry.sha256.hex())) {
      ++m_result.unchanged;
      return;
    }
    m_is_big = entry.size >= k_big_file_size;
    m_file = util::FileAppender(m_staging.create(entry.path),
                                entry.path,
                                m_is_big ? util::DiskWrites::direct_when_aligned
                                         : util::DiskWrites::buffered);
  }
  // Big entries go to workers, so two are hashed and written at once.
  std::unique_ptr<bundle::EntrySink> split(const bundle::Entry& entry) override {
    if (entry.size < k_big_file_size || !is_selected(m_options, entry.path)) {
      return nullptr;
    }
    if (holds_file(m_target_fd, entry.path, entry.size, entry.sha256.hex())) {
      m_known_held = &entry; // begin() counts it without hashing it again
      return nullptr;
    }
    return std::make_unique<SplitEntrySink>(m_staging.create(entry.path), entry, m_result);
  }
  void write(std::span<const std::byte> bytes) override {
    if (m_file.is_open()) {
      if (m_is_big) {
        m_writer.write(bytes);
      } else {
        m_file.write(bytes);
      }
    }
  }
  void end(const bundle::Entry& entry, bool is_verified) override {
    if (!is_verified) { // the reader reported it already; never keep a byte of it
      throw Error(ErrorKind::check, str_cat(entry.path, ": does not match the manifest"));
    }
    if (m_file.is_open()) {
      if (m_is_big) {
        m_writer.flush(); // the file's last bytes, and its write errors; the next starts aligned
      }
      m_file.start_writeback(); // the final syncfs then finds little left to write
      m_file = util::FileAppender();
      ++m_result.written;
      m_result.bytes += entry.size;
    }
  }

private:
  const ExpandOptions& m_options;
  Staging& m_staging;
  int m_target_fd;
  ExpandResult& m_result;
  util::FileAppender m_file;
  bool m_is_big = false;
  const bundle::Entry* m_known_held = nullptr; // split() found the target holds it
  // last: its thread writes big files into m_file, and stops before m_file goes away
  util::BackgroundWriter m_writer{
      [this](std::span<const std::byte> bytes) { m_file.write(bytes); }};
};

// A bundle made with --base names blobs only its base carried; linking them into a tree that
// lacks them would make a registry that answers for images it cannot serve.
void require_base_blobs(const bundle::Manifest& manifest, int target_fd, const fs::path& target) {
  if (!bundle::is_delta(manifest)) {
    return;
  }
  std::vector<std::string> lacking;
  for (const std::string& path : blobs_left_to_base(manifest)) {
    if (!holds_regular_file(target_fd, path)) {
      lacking.push_back(path);
    }
  }
  if (!lacking.empty()) {
    throw Error(ErrorKind::check,
                str_cat(target.string(),
                        ": ",
                        lacking.size(),
                        " blobs left out for ",
                        bundle::left_out_by(manifest),
                        " are not in the tree, the first ",
                        lacking.front(),
                        manifest.base_bundles.empty() ? ": the receipt was not of this tree"
                                                      : ": expand the base bundle here first"));
  }
}

void stage_links(const std::vector<LinkFile>& links,
                 Staging& staging,
                 int target_fd,
                 ExpandResult& result) {
  for (const LinkFile& link : links) {
    util::Sha256 hash;
    const auto bytes = std::as_bytes(std::span(link.content.data(), link.content.size()));
    hash.update(bytes);
    const std::string digest = hash.finish();
    if (holds_file(target_fd, link.path, link.content.size(), std::string_view(digest).substr(7))) {
      ++result.unchanged;
      continue;
    }
    util::FileAppender(staging.create(link.path), link.path, util::DiskWrites::buffered)
        .write(bytes);
    ++result.written;
  }
}

} // namespace

Part parse_part(std::string_view name) {
  if (name == "registry") {
    return Part::registry;
  }
  if (name == "artifacts") {
    return Part::artifacts;
  }
  if (name == "oc-mirror") {
    return Part::oc_mirror;
  }
  if (name == "boot") {
    return Part::boot;
  }
  throw Error(ErrorKind::usage,
              str_cat("--only ", name, ": use registry, artifacts, oc-mirror or boot"));
}

ExpandResult expand_bundle(const ExpandOptions& options) {
  bundle::BundleReader reader(options.bundle, options.trust); // the signature, before anything
  const bundle::Manifest& manifest = reader.manifest();
  ExpandResult result;
  result.bundle_id = manifest.bundle_id;
  std::uint64_t needed = 0;
  for (const bundle::Entry& entry : manifest.entries) {
    needed += is_selected(options, entry.path) ? entry.size : 0;
  }
  const bundle::BundleSequence sequence(
      options.state_dir, options.trust, manifest, tree_target(options.target));
  (void)sequence.check(manifest, options.allow_rollback, options.bundle.string());
  const bool is_new = ::mkdir(options.target.c_str(), 0755) == 0;
  if (!is_new && errno != EEXIST) {
    throw Error(ErrorKind::io,
                str_cat(options.target.string(), ": cannot create: ", errno_message(errno)));
  }
  try {
    const util::Fd target = open_directory(options.target);
    (void)remove_abandoned(options.target, ".zbundle-staging-"); // left by a killed run
    if (options.space_check) {
      util::require_free_space(options.target, needed, "the bundle");
    }
    const std::vector<LinkFile> links = !options.only || *options.only == Part::registry
                                            ? registry_links(manifest.repositories)
                                            : std::vector<LinkFile>{};
    if (!links.empty()) {
      require_base_blobs(manifest, target.get(), options.target);
    }
    Staging staging(options.target, target.get()); // after `links`: it keeps their paths
    StagingSink sink(options, staging, target.get(), result);
    bundle::require_intact_payload(reader, &sink); // expand stops at the first problem
    stage_links(links, staging, target.get(), result);
    staging.commit();
    sequence.record(manifest);
    if (!options.only || *options.only == Part::registry) { // what prune --from keeps by
      bundle::record_applied(options.state_dir, tree_target(options.target), manifest);
    }
  } catch (...) {
    if (is_new) {
      remove_tree(options.target);
    }
    throw;
  }
  return result;
}

} // namespace zbundle::extract
