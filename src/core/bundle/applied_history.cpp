#include "core/bundle/applied_history.hpp"

#include "core/ics/image_ref.hpp"
#include "core/util/atomic_file.hpp"
#include "core/util/bounded_parse.hpp"
#include "core/util/error.hpp"
#include "core/util/hex.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/text_file.hpp"

#include <system_error>

namespace zbundle::bundle {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using util::str_cat;

constexpr std::size_t k_history_limit = std::size_t{64} << 20;
constexpr std::string_view k_file_name = "applied.json";

Json read_history(const fs::path& file) {
  std::error_code error;
  if (!fs::exists(file, error)) {
    return Json::object();
  }
  Json history =
      util::parse_bounded_json(util::read_text_file(file, k_history_limit), file.string());
  if (!history.is_object()) {
    throw Error(ErrorKind::input, str_cat(file.string(), ": not a zbundle history"));
  }
  return history;
}

Json record_json(const Manifest& manifest) {
  Json releases = Json::array();
  for (const model::ReleaseImage& release : manifest.releases) {
    releases.push_back({{"name", release.name}, {"digest", release.digest}});
  }
  Json repositories = Json::object();
  for (const model::RepositoryRecord& record : manifest.repositories) {
    std::set<std::string> digests = record.manifests;
    for (const auto& [tag, digest] : record.tags) {
      digests.insert(digest);
    }
    repositories[record.name] = digests;
  }
  return {{"bundle_id", manifest.bundle_id},
          {"created", manifest.created},
          {"releases", std::move(releases)},
          {"repositories", std::move(repositories)}};
}

// A string member of `object`, checked by `is_valid`.
std::string text(const Json& object,
                 const char* key,
                 bool (*is_valid)(std::string_view),
                 const std::string& subject) {
  const auto found = object.find(key);
  if (found == object.end() || !found->is_string()
      || !is_valid(found->get_ref<const std::string&>())) {
    throw Error(ErrorKind::input, str_cat(subject, ": ", key, " is missing or malformed"));
  }
  return found->get<std::string>();
}

bool is_bundle_id(std::string_view text) {
  return util::is_lower_hex(text, 32);
}
bool is_time(std::string_view text) {
  return text.size() == 20 && text.ends_with('Z');
}
bool is_release_name(std::string_view text) {
  return !text.empty() && text.size() <= 1024;
}
bool is_digest_or_empty(std::string_view text) {
  return text.empty() || ics::is_sha256_digest(text);
}
bool is_digest(std::string_view text) {
  return ics::is_sha256_digest(text);
}

AppliedRecord parse_record(const Json& json, const std::string& subject) {
  if (!json.is_object()) {
    throw Error(ErrorKind::input, str_cat(subject, ": a record is not an object"));
  }
  AppliedRecord bundle;
  bundle.id = text(json, "bundle_id", is_bundle_id, subject);
  bundle.created = text(json, "created", is_time, subject);
  const auto releases = json.find("releases");
  const auto repositories = json.find("repositories");
  if (releases == json.end() || !releases->is_array() || repositories == json.end()
      || !repositories->is_object()) {
    throw Error(ErrorKind::input, str_cat(subject, ": bundle ", bundle.id, ": malformed record"));
  }
  for (const Json& release : *releases) {
    if (!release.is_object()) {
      throw Error(ErrorKind::input,
                  str_cat(subject, ": bundle ", bundle.id, ": malformed release"));
    }
    bundle.releases.push_back({text(release, "name", is_release_name, subject),
                               text(release, "digest", is_digest_or_empty, subject)});
  }
  for (const auto& [name, digests] : repositories->items()) {
    if (!ics::is_repository_path(name) || !digests.is_array()) {
      throw Error(ErrorKind::input,
                  str_cat(subject, ": bundle ", bundle.id, ": malformed repository"));
    }
    std::set<std::string>& held = bundle.manifests[name];
    for (const Json& digest : digests) {
      if (!digest.is_string() || !is_digest(digest.get_ref<const std::string&>())) {
        throw Error(ErrorKind::input, str_cat(subject, ": ", name, ": a digest is malformed"));
      }
      held.insert(digest.get<std::string>());
    }
  }
  return bundle;
}

} // namespace

std::vector<AppliedRecord> applied_history(const fs::path& state_dir, std::string_view target) {
  const fs::path file = state_dir / k_file_name;
  const Json history = read_history(file);
  std::vector<AppliedRecord> bundles;
  const auto records = history.find(std::string(target));
  if (records == history.end()) {
    return bundles;
  }
  if (!records->is_array()) {
    throw Error(ErrorKind::input, str_cat(file.string(), ": ", target, ": not a list"));
  }
  for (const Json& record : *records) {
    bundles.push_back(parse_record(record, file.string()));
  }
  return bundles;
}

void record_applied(const fs::path& state_dir, std::string_view target, const Manifest& manifest) {
  const fs::path file = state_dir / k_file_name;
  Json history = read_history(file);
  Json& records = history[std::string(target)];
  if (!records.is_array()) {
    records = Json::array();
  }
  if (!records.empty()
      && util::json_text(records.back(), "bundle_id", file.string()) == manifest.bundle_id) {
    records.erase(records.size() - 1); // the same bundle again: a re-run
  }
  records.push_back(record_json(manifest));
  while (records.size() > k_applied_kept) {
    records.erase(0);
  }
  std::error_code error;
  fs::create_directories(state_dir, error);
  if (error) {
    throw Error(ErrorKind::io, str_cat(state_dir.string(), ": cannot create: ", error.message()));
  }
  util::AtomicFile out(file, 0644);
  out.write(history.dump() + "\n");
  out.commit();
}

} // namespace zbundle::bundle
