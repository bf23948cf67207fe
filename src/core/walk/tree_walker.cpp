#include "core/walk/tree_walker.hpp"

#include "core/util/error.hpp"
#include "core/util/fd.hpp"
#include "core/util/file_reader.hpp"
#include "core/util/handles.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/text_file.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <system_error>

namespace zbundle::walk {
namespace {

// libarchive's reason for the last failure. Some failures set none: a null string, which
// must not reach a message (found by fuzz_ocmirror_archive).
std::string archive_message(archive* reader) {
  const char* message = archive_error_string(reader);
  return message == nullptr ? "no reason given" : message;
}

namespace fs = std::filesystem;
using util::str_cat;

constexpr std::size_t k_tar_block_size = 1 << 20;
constexpr la_int64_t k_end_of_archive_size = la_int64_t{2} * 512;

// Strips "./" prefixes and trailing slashes; refuses absolute paths and `..` components.
std::string normalize_entry_path(std::string_view archive_name, std::string_view raw) {
  std::string_view path = raw;
  while (path.substr(0, 2) == "./") {
    path.remove_prefix(2);
  }
  while (!path.empty() && path.back() == '/') {
    path.remove_suffix(1);
  }
  if (path == ".") {
    return {};
  }
  const bool is_absolute = !path.empty() && path.front() == '/';
  const bool has_parent = path == ".." || path.substr(0, 3) == "../"
                          || path.find("/../") != std::string_view::npos
                          || (path.size() >= 3 && path.substr(path.size() - 3) == "/..");
  if (is_absolute || has_parent) {
    throw Error(
        ErrorKind::input,
        str_cat(archive_name, ": entry ", raw, ": unsafe path: absolute or containing '..'"));
  }
  return std::string(path);
}

class FileContent final : public EntryContent {
public:
  explicit FileContent(fs::path path) : m_path(std::move(path)) {}
  std::string read_text(std::size_t max_bytes) override {
    return util::read_text_file(m_path, max_bytes);
  }

  std::size_t read_some(std::span<char> buffer) override {
    if (!m_reader) {
      m_reader.emplace(m_path); // opened on first use: most files are never read
    }
    return m_reader->read_some(buffer);
  }

private:
  fs::path m_path;
  std::optional<util::FileReader> m_reader;
};

// Entries from this size on are read directly from the archive file, straight into the
// caller's buffer: libarchive would read them into its own block and copy them out again, a
// copy that costs as much as the read. Below it, libarchive's read-ahead holds most of them.
constexpr std::uint64_t k_direct_read_size = std::uint64_t{4} * k_tar_block_size;

class TarEntryContent final : public EntryContent {
public:
  // `data_offset`: where the entry's bytes lie in the archive file, when they lie there in
  // one piece (an uncompressed, non-sparse regular file).
  TarEntryContent(archive* reader,
                  std::string subject,
                  std::uint64_t size,
                  int archive_fd,
                  std::optional<std::uint64_t> data_offset)
      : m_reader(reader), m_subject(std::move(subject)), m_size(size), m_archive_fd(archive_fd),
        m_data_offset(data_offset) {}

  std::string read_text(std::size_t max_bytes) override {
    if (m_size > max_bytes) {
      throw Error(ErrorKind::input,
                  str_cat(m_subject,
                          ": too large: ",
                          m_size,
                          " bytes, the limit is ",
                          static_cast<std::uint64_t>(max_bytes)));
    }
    std::string text(static_cast<std::size_t>(m_size), '\0');
    std::size_t done = 0;
    while (done < text.size()) {
      const la_ssize_t got = archive_read_data(m_reader, text.data() + done, text.size() - done);
      if (got < 0) {
        throw Error(ErrorKind::input,
                    str_cat(m_subject, ": cannot read: ", archive_message(m_reader)));
      }
      if (got == 0) {
        throw Error(ErrorKind::input, str_cat(m_subject, ": cannot read: truncated tar archive"));
      }
      done += static_cast<std::size_t>(got);
    }
    return text;
  }

  std::size_t read_some(std::span<char> buffer) override {
    if (m_data_offset) {
      return read_direct(buffer);
    }
    const la_ssize_t got = archive_read_data(m_reader, buffer.data(), buffer.size());
    if (got < 0) {
      throw Error(ErrorKind::input,
                  str_cat(m_subject, ": cannot read: ", archive_message(m_reader)));
    }
    return static_cast<std::size_t>(got);
  }

private:
  // pread leaves libarchive's file position alone; it skips the entry at the next header.
  std::size_t read_direct(std::span<char> buffer) {
    const std::size_t wanted =
        static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), m_size - m_done));
    if (wanted == 0) {
      return 0;
    }
    const ssize_t got = util::read_at(m_archive_fd, buffer.first(wanted), *m_data_offset + m_done);
    if (got < 0) {
      throw Error(ErrorKind::input, str_cat(m_subject, ": cannot read: ", errno_message(errno)));
    }
    if (got == 0) {
      throw Error(ErrorKind::input, str_cat(m_subject, ": cannot read: truncated tar archive"));
    }
    m_done += static_cast<std::uint64_t>(got);
    return static_cast<std::size_t>(got);
  }

  archive* m_reader;
  std::string m_subject;
  std::uint64_t m_size;
  int m_archive_fd;
  std::optional<std::uint64_t> m_data_offset;
  std::uint64_t m_done = 0;
};

EntryType entry_type_of(archive_entry* entry) {
  if (archive_entry_hardlink(entry) != nullptr) {
    return EntryType::hardlink;
  }
  switch (archive_entry_filetype(entry)) {
  case AE_IFREG:
    return EntryType::regular;
  case AE_IFDIR:
    return EntryType::directory;
  case AE_IFLNK:
    return EntryType::symlink;
  default:
    return EntryType::other;
  }
}

EntryType entry_type_of(const fs::file_status& status) {
  switch (status.type()) {
  case fs::file_type::regular:
    return EntryType::regular;
  case fs::file_type::directory:
    return EntryType::directory;
  case fs::file_type::symlink:
    return EntryType::symlink;
  default:
    return EntryType::other;
  }
}

} // namespace

void walk_directory(const fs::path& root, std::string_view prefix, const EntryVisitor& visit) {
  std::error_code error;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, error);
  if (error) {
    throw Error(ErrorKind::input, str_cat(root.string(), ": cannot read: ", error.message()));
  }
  for (const fs::recursive_directory_iterator end; it != end; it.increment(error)) {
    if (error) {
      throw Error(ErrorKind::input, str_cat(root.string(), ": cannot read: ", error.message()));
    }
    const fs::directory_entry& item = *it;
    const fs::file_status status = item.symlink_status(error);
    if (error) {
      throw Error(ErrorKind::input,
                  str_cat(item.path().string(), ": cannot stat: ", error.message()));
    }
    TreeEntry entry;
    entry.path = str_cat(prefix, item.path().lexically_relative(root).generic_string());
    entry.disk_path = item.path().string();
    entry.type = entry_type_of(status);
    if (entry.type == EntryType::regular) {
      entry.size = item.file_size(error);
    } else if (entry.type == EntryType::symlink) {
      entry.link_target = fs::read_symlink(item.path(), error).generic_string();
    }
    if (error) {
      throw Error(ErrorKind::input,
                  str_cat(item.path().string(), ": cannot read: ", error.message()));
    }
    FileContent content(item.path());
    visit(entry, content);
  }
}

void walk_tar(const fs::path& tar_path, const EntryVisitor& visit) {
  const std::string archive_name = tar_path.string();
  // One descriptor for libarchive and the direct reads, so both read the same file.
  const util::Fd archive_fd(::open(tar_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!archive_fd.is_open()) {
    throw Error(ErrorKind::input, str_cat(archive_name, ": cannot open: ", errno_message(errno)));
  }
  const util::ArchiveReader reader(archive_read_new()); // after the descriptor: freed first
  if (!reader) {
    throw Error(ErrorKind::io, str_cat(archive_name, ": cannot read: out of memory"));
  }
  archive_read_support_format_tar(reader.get());
  archive_read_support_filter_none(reader.get());
  if (archive_read_open_fd(reader.get(), archive_fd.get(), k_tar_block_size) != ARCHIVE_OK) {
    throw Error(ErrorKind::input,
                str_cat(archive_name, ": cannot open: ", archive_message(reader.get())));
  }
  archive_entry* header = nullptr;
  while (true) {
    const int status = archive_read_next_header(reader.get(), &header);
    if (status == ARCHIVE_EOF) {
      break;
    }
    // ARCHIVE_WARN is a failure too: it reports damage libarchive worked around.
    if (status != ARCHIVE_OK) {
      throw Error(
          ErrorKind::input,
          str_cat(archive_name, ": corrupt or truncated tar: ", archive_message(reader.get())));
    }
    const char* raw_name = archive_entry_pathname_utf8(header); // no locale conversion
    if (raw_name == nullptr) {
      raw_name = archive_entry_pathname(header);
    }
    TreeEntry entry;
    entry.path = normalize_entry_path(archive_name, raw_name == nullptr ? "" : raw_name);
    if (entry.path.empty()) {
      continue;
    }
    entry.archive = archive_name;
    entry.type = entry_type_of(header);
    entry.size = archive_entry_size_is_set(header) != 0
                     ? static_cast<std::uint64_t>(archive_entry_size(header))
                     : 0;
    if (const char* target = entry.type == EntryType::hardlink ? archive_entry_hardlink(header)
                                                               : archive_entry_symlink(header)) {
      entry.link_target = target;
    }
    // After the header, libarchive's position in the (unfiltered) archive is the data's start.
    std::optional<std::uint64_t> data_offset;
    if (entry.type == EntryType::regular && entry.size >= k_direct_read_size
        && archive_entry_sparse_count(header) == 0) {
      data_offset = static_cast<std::uint64_t>(archive_filter_bytes(reader.get(), 0));
    }
    TarEntryContent content(reader.get(),
                            str_cat(archive_name, ": ", entry.path),
                            entry.size,
                            archive_fd.get(),
                            data_offset);
    visit(entry, content);
  }
  // libarchive also reports a clean end for a file cut between two entries. A complete tar
  // ends with two zero blocks, which libarchive consumes when it sees them; if they were not
  // there, the archive was cut short.
  if (archive_filter_bytes(reader.get(), 0)
      < archive_read_header_position(reader.get()) + k_end_of_archive_size) {
    throw Error(ErrorKind::input,
                str_cat(archive_name, ": truncated tar: no end-of-archive marker"));
  }
}

void walk_plan(const WalkPlan& plan,
               const std::function<void(const std::string& container)>& enter,
               const EntryVisitor& visit) {
  for (const fs::path& archive : plan.archives) {
    enter(archive.string());
    walk_tar(archive, visit);
  }
  for (const DirectoryWalk& directory : plan.directories) {
    enter(directory.root.string());
    walk_directory(directory.root, directory.prefix, visit);
  }
}

} // namespace zbundle::walk
