// The second half of push: manifests, indexes and tags, once the blobs are in.

#include "core/oci/manifest.hpp"
#include "core/registry/push_state.hpp"
#include "core/util/fd.hpp"
#include "core/util/str_cat.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <thread>

namespace zbundle::registry::detail {
namespace {

using util::str_cat;

// Registries refuse manifests over 4 MiB; a bigger one is not a manifest worth parking.
constexpr std::uint64_t k_manifest_limit = std::uint64_t{4} << 20;

util::Fd open_scratch_file(const std::filesystem::path& directory) {
  const std::string where = directory.string();
  util::Fd file(::open(where.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
  if (!file.is_open()) {
    throw Error(ErrorKind::io,
                str_cat(where, ": cannot make a scratch file: ", errno_message(errno)));
  }
  return file;
}

struct RepositoryPush {
  const model::RepositoryRecord& record;
  std::string name; // destination
  PushState& state;
  RegistryClient& client;
  const RetryPolicy& retry;
  PushResult& result;
  std::set<std::string> done; // manifests the registry holds now

  // `request` again after a transient failure (a 5xx, a timeout), as blobs are: a registry
  // that is still finishing an interrupted push answers 500 for a moment.
  template <class Request> auto retried(const Request& request) {
    for (unsigned attempt = 1;; ++attempt) {
      try {
        return request();
      } catch (const RegistryError& error) {
        if (error.failure() != Failure::transient || attempt >= retry.attempts) {
          throw;
        }
      }
      std::this_thread::sleep_for(std::chrono::seconds(retry.backoff_seconds << (attempt - 1)));
    }
  }

  // Why this repository cannot take `digest` yet, or empty.
  std::string missing_blob(const oci::Manifest& parsed) {
    for (const oci::Descriptor* blob : parsed.blobs()) {
      const auto found = state.blobs.find(blob->digest);
      if (found != state.blobs.end()
          && std::find(found->second.pending.begin(), found->second.pending.end(), name)
                 != found->second.pending.end()) {
        return str_cat("blob ", blob->digest, " did not arrive");
      }
    }
    return {};
  }

  // Pushes `digest` when its children are done; false to try again after the others.
  bool push(const std::string& digest, std::string& why_not) {
    if (!state.manifests.holds(digest)) {
      // Left out by a --base bundle (or its bytes failed verification): the registry must
      // hold it already.
      if (state.base_manifests_present.contains(str_cat(name, "@", digest))
          || retried([&] { return client.manifest_digest(name, digest); })) {
        ++result.manifests_present;
        done.insert(digest);
      } else {
        why_not = "not in this bundle (a --base bundle carried it) and not in the registry: "
                  "push the base bundle first";
      }
      return true;
    }
    const std::string body = state.manifests.read(digest);
    const oci::Manifest parsed = oci::parse_manifest(body, str_cat(name, "@", digest));
    for (const oci::Descriptor& child : parsed.children) {
      if (record.manifests.contains(child.digest) && !done.contains(child.digest)) {
        return false;
      }
    }
    if (why_not = missing_blob(parsed); !why_not.empty()) {
      return true;
    }
    if (retried([&] { return client.manifest_digest(name, digest); })) {
      ++result.manifests_present;
    } else {
      retried([&] { client.put_manifest(name, digest, parsed.media_type, body); });
      ++result.manifests_pushed;
    }
    done.insert(digest);
    return true;
  }

  void push_manifests() {
    std::vector<std::string> waiting(record.manifests.begin(), record.manifests.end());
    while (!waiting.empty()) { // each round pushes at least one, or ends
      std::vector<std::string> later;
      for (const std::string& digest : waiting) {
        std::string why_not;
        try {
          if (!push(digest, why_not)) {
            later.push_back(digest);
          }
        } catch (const RegistryError& error) {
          if (error.failure() == Failure::fatal) {
            throw;
          }
          why_not = error.what();
        } catch (const Error& error) {
          why_not = error.what();
        }
        if (!why_not.empty()) {
          result.failures.push_back(str_cat(name, "@", digest, ": not pushed: ", why_not));
        }
      }
      if (later.size() == waiting.size()) {
        for (const std::string& digest : later) {
          result.failures.push_back(
              str_cat(name, "@", digest, ": not pushed: a manifest it lists did not arrive"));
        }
        return;
      }
      waiting = std::move(later);
    }
  }

  void push_tags() {
    for (const auto& tagged : record.tags) {
      const std::string& tag = tagged.first; // named, not bound: the lambdas below capture it
      const std::string& digest = tagged.second;
      if (!done.contains(digest)) {
        result.failures.push_back(str_cat(name, ":", tag, ": not tagged: ", digest, " is missing"));
        continue;
      }
      try {
        if (retried([&] { return client.manifest_digest(name, tag); }) == digest) {
          ++result.tags_present;
          continue;
        }
        // A manifest a --base bundle carried is tagged with the registry's own bytes, which
        // must have the digest the signed record names.
        const std::optional<std::string> body =
            state.manifests.holds(digest) ? state.manifests.read(digest)
                                          : retried([&] { return client.manifest(name, digest); });
        if (!body) {
          result.failures.push_back(
              str_cat(name, ":", tag, ": not tagged: the registry no longer holds ", digest));
          continue;
        }
        const oci::Manifest parsed = oci::parse_manifest(*body, str_cat(name, ":", tag));
        retried([&] { client.put_manifest(name, tag, parsed.media_type, *body); });
        ++result.tags_pushed;
      } catch (const RegistryError& error) {
        if (error.failure() == Failure::fatal) {
          throw;
        }
        result.failures.push_back(str_cat(name, ":", tag, ": not tagged: ", error.what()));
      } catch (const Error& error) { // a registry's manifest that does not parse
        result.failures.push_back(str_cat(name, ":", tag, ": not tagged: ", error.what()));
      }
    }
  }
};

} // namespace

ManifestStore::ManifestStore(const std::filesystem::path& scratch_dir)
    : m_file(open_scratch_file(scratch_dir)) {}

void ManifestStore::begin(const std::string& digest) {
  m_current = digest;
  m_current_start = m_end;
}

void ManifestStore::write(std::span<const std::byte> bytes) {
  if (m_current.empty()) {
    return;
  }
  if (m_end - m_current_start + bytes.size() > k_manifest_limit) {
    m_current.clear(); // not kept: its images are reported as not pushed
    m_end = m_current_start;
    return;
  }
  for (std::size_t done = 0; done < bytes.size();) {
    const ssize_t wrote = ::pwrite(
        m_file.get(), bytes.data() + done, bytes.size() - done, static_cast<off_t>(m_end + done));
    if (wrote < 0 && errno == EINTR) {
      continue;
    }
    if (wrote <= 0) {
      throw Error(ErrorKind::io, str_cat("manifest scratch file: ", errno_message(errno)));
    }
    done += static_cast<std::size_t>(wrote);
  }
  m_end += bytes.size();
}

void ManifestStore::end(bool is_verified) {
  if (!m_current.empty() && is_verified) {
    m_spans[m_current] = {m_current_start, m_end - m_current_start};
  } else {
    m_end = m_current_start;
  }
  m_current.clear();
}

std::string ManifestStore::read(const std::string& digest) const {
  const auto [offset, size] = m_spans.at(digest);
  std::string bytes(size, '\0');
  for (std::size_t done = 0; done < size;) {
    const ssize_t got = util::read_at(m_file.get(), std::span(bytes).subspan(done), offset + done);
    if (got <= 0) {
      throw Error(ErrorKind::io, str_cat("manifest scratch file: short read"));
    }
    done += static_cast<std::size_t>(got);
  }
  return bytes;
}

std::string
destination(const ics::MirrorName& target, const std::string& name, unsigned max_nested_paths) {
  return ics::limit_nested_paths(
      target.name_space.empty() ? name : str_cat(target.name_space, "/", name), max_nested_paths);
}

void push_manifests(const bundle::Manifest& manifest,
                    const ics::MirrorName& target,
                    const RetryPolicy& retry,
                    PushState& state,
                    RegistryClient& client,
                    PushResult& result) {
  for (const model::RepositoryRecord& record : manifest.repositories) {
    RepositoryPush repository{record,
                              destination(target, record.name, manifest.max_nested_paths),
                              state,
                              client,
                              retry,
                              result,
                              {}};
    repository.push_manifests();
    repository.push_tags();
  }
}

} // namespace zbundle::registry::detail
