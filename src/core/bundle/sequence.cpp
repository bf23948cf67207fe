#include "core/bundle/sequence.hpp"

#include "core/pki/trusted_keys.hpp"
#include "core/util/atomic_file.hpp"
#include "core/util/bounded_parse.hpp"
#include "core/util/error.hpp"
#include "core/util/sha256.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/text_file.hpp"

#include <algorithm>
#include <system_error>

namespace zbundle::bundle {
namespace {

using util::str_cat;
namespace fs = std::filesystem;

constexpr std::size_t k_state_limit = std::size_t{4} << 20;
constexpr std::size_t k_ca_limit = std::size_t{4} << 20;

// The state file, or an empty object when there is none yet.
nlohmann::json read_state(const fs::path& file) {
  std::error_code error;
  if (!fs::exists(file, error)) {
    return nlohmann::json::object();
  }
  nlohmann::json state =
      util::parse_bounded_json(util::read_text_file(file, k_state_limit), file.string());
  if (!state.is_object()) {
    throw Error(ErrorKind::input, str_cat(file.string(), ": not a zbundle sequence file"));
  }
  return state;
}

std::string trust_identity(const Trust& trust, const Manifest& manifest) {
  if (!trust.trust_dir.empty()) {
    std::error_code error;
    const fs::path directory = fs::weakly_canonical(fs::absolute(trust.trust_dir), error);
    return str_cat("dir:", error ? trust.trust_dir.string() : directory.string());
  }
  if (trust.trust_ca.empty()) {
    return str_cat("key:", manifest.key_id); // the reader checked it is the trusted key's (R3)
  }
  const std::string pem = util::read_text_file(trust.trust_ca, k_ca_limit);
  util::Sha256 hasher;
  hasher.update(std::as_bytes(std::span(pem.data(), pem.size())));
  return str_cat("ca:", hasher.finish(), ":", trust.signer_name);
}

// The records that tell which bundle the target saw last: its own, and for a trust directory
// also those each of its keys left when it was trusted alone (--pubkey), so moving a bastion
// from one pinned key to a directory keeps its place in the sequence.
std::vector<std::string>
consulted_keys(const Trust& trust, const Manifest& manifest, std::string_view target) {
  std::vector<std::string> keys{str_cat(trust_identity(trust, manifest), " ", target)};
  if (!trust.trust_dir.empty()) {
    for (const pki::TrustedKey& trusted : pki::load_trusted_keys(trust.trust_dir)) {
      keys.push_back(str_cat("key:", trusted.key->key_id(), " ", target));
    }
  }
  return keys;
}

} // namespace

std::vector<RecordedBundle> recorded_bundles(const fs::path& state_dir, std::string_view target) {
  const nlohmann::json state = read_state(state_dir / "sequence.json");
  std::vector<RecordedBundle> bundles;
  const std::string suffix = str_cat(" ", target);
  for (const auto& [key, record] : state.items()) {
    if (key.ends_with(suffix) && record.is_object()) {
      const std::string where = str_cat((state_dir / "sequence.json").string(), ": ", key);
      bundles.push_back(
          {util::json_text(record, "bundle_id", where), util::json_text(record, "created", where)});
    }
  }
  std::sort(bundles.begin(), bundles.end(), [](const auto& left, const auto& right) {
    return left.created < right.created;
  });
  return bundles;
}

BundleSequence::BundleSequence(const fs::path& state_dir,
                               const Trust& trust,
                               const Manifest& manifest,
                               std::string_view target)
    : m_file(state_dir / "sequence.json"), m_keys(consulted_keys(trust, manifest, target)) {}

bool BundleSequence::check(const Manifest& manifest,
                           bool allow_rollback,
                           std::string_view subject) const {
  const nlohmann::json state = read_state(m_file);
  std::string id;
  std::string created;
  for (const std::string& key : m_keys) { // the newest of the records decides
    const auto last = state.find(key);
    if (last == state.end() || !last->is_object()) {
      continue;
    }
    const std::string where = str_cat(m_file.string(), ": ", key);
    if (std::string last_created = util::json_text(*last, "created", where);
        last_created > created) {
      id = util::json_text(*last, "bundle_id", where);
      created = std::move(last_created);
    }
  }
  if (created.empty()) {
    return false;
  }
  if (id == manifest.bundle_id) {
    return true;
  }
  // Both times have the schema's one form (YYYY-MM-DDTHH:MM:SSZ): they order as text.
  if (allow_rollback || manifest.created > created) {
    return false;
  }
  throw Error(ErrorKind::check,
              str_cat(subject,
                      ": bundle ",
                      manifest.bundle_id,
                      " was created ",
                      manifest.created,
                      manifest.created == created ? ", as was bundle " : ", before bundle ",
                      id,
                      " (",
                      created,
                      ") that was applied last; --allow-rollback applies it anyway"));
}

void BundleSequence::record(const Manifest& manifest) const {
  nlohmann::json state = read_state(m_file);
  state[m_keys.front()] = {{"bundle_id", manifest.bundle_id}, {"created", manifest.created}};
  std::error_code error;
  fs::create_directories(m_file.parent_path(), error);
  if (error) {
    throw Error(ErrorKind::io,
                str_cat(m_file.parent_path().string(), ": cannot create: ", error.message()));
  }
  util::AtomicFile file(m_file, 0644);
  file.write(state.dump(2) + "\n");
  file.commit();
}

} // namespace zbundle::bundle
