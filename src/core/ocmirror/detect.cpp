#include "core/ocmirror/detect.hpp"

#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <algorithm>
#include <charconv>
#include <regex>
#include <system_error>

namespace zbundle::ocmirror {
namespace {

namespace fs = std::filesystem;
using util::str_cat;

bool is_existing_directory(const fs::path& path) {
  std::error_code ignored;
  return fs::is_directory(path, ignored);
}

// Archive chunks of one run, sorted by name (oc-mirror-formats.md 1.7, 2.9; anchored, unlike
// oc-mirror).
void find_archive_sets(const fs::path& directory,
                       std::vector<fs::path>& v1,
                       std::vector<fs::path>& v2) {
  static const std::regex v1_name(R"(^mirror_seq[0-9]+_[0-9]{6}\.tar$)");
  static const std::regex v2_name(R"(^mirror_[0-9]{6}\.tar$)");
  std::error_code error;
  for (const fs::directory_entry& item : fs::directory_iterator(directory, error)) {
    const std::string name = item.path().filename().string();
    if (std::regex_match(name, v1_name)) {
      v1.push_back(item.path());
    } else if (std::regex_match(name, v2_name)) {
      v2.push_back(item.path());
    }
  }
  if (error) {
    throw Error(ErrorKind::input, str_cat(directory.string(), ": cannot read: ", error.message()));
  }
  std::sort(v1.begin(), v1.end());
  std::sort(v2.begin(), v2.end());
}

fs::path choose_results(const fs::path& workspace, const ReadOptions& options) {
  if (options.v1_results) {
    fs::path chosen = workspace / *options.v1_results;
    if (!is_existing_directory(chosen)) {
      throw Error(ErrorKind::input,
                  str_cat(chosen.string(), ": --results: no such results directory"));
    }
    return chosen;
  }
  static const std::regex results_name(R"(^results-([0-9]+)$)");
  fs::path newest;
  long long newest_epoch = -1;
  std::error_code error;
  for (const fs::directory_entry& item : fs::directory_iterator(workspace, error)) {
    const std::string name = item.path().filename().string();
    std::smatch match;
    long long epoch = -1;
    // from_chars, not stoll: a name of more digits than a long long holds is a directory that
    // is not oc-mirror's (stoll would throw its own out_of_range)
    if (item.is_directory() && std::regex_match(name, match, results_name)
        && std::from_chars(name.data() + match.position(1), name.data() + name.size(), epoch).ec
               == std::errc{}) {
      if (epoch > newest_epoch) {
        newest_epoch = epoch;
        newest = item.path();
      }
    }
  }
  return newest;
}

InputPlan
plan_v1_workspace(const fs::path& path, const fs::path& workspace, const ReadOptions& options) {
  InputPlan plan{{path, SourceFormat::oc_mirror_v1, SourceLayout::directory, {}}, {}};
  if (is_existing_directory(workspace / "src")) {
    plan.directories.push_back({workspace / "src", ""});
  }
  if (const fs::path results = choose_results(workspace, options); !results.empty()) {
    plan.directories.push_back({results, "results/"});
  }
  if (plan.directories.empty()) {
    throw Error(
        ErrorKind::input,
        str_cat(path.string(), ": oc-mirror v1 workspace holds neither src/ nor results-*/"));
  }
  return plan;
}

InputPlan plan_directory(const fs::path& path, const ReadOptions& options) {
  std::vector<fs::path> v1_archives;
  std::vector<fs::path> v2_archives;
  find_archive_sets(path, v1_archives, v2_archives);
  if (!v1_archives.empty() && !v2_archives.empty()) {
    throw Error(
        ErrorKind::input,
        str_cat(
            path.string(),
            ": holds both oc-mirror v1 (mirror_seq*) and v2 (mirror_*) archives: name one set"));
  }
  if (!v2_archives.empty()) {
    InputPlan plan{{path, SourceFormat::oc_mirror_v2, SourceLayout::archive_set, v2_archives}, {}};
    // After disk-to-mirror the folder also holds what oc-mirror wrote for the cluster (its
    // IDMS, ITMS, CatalogSources): read with the archives, its mirror sets win.
    if (is_existing_directory(path / "working-dir/cluster-resources")) {
      plan.directories.push_back(
          {path / "working-dir/cluster-resources", "working-dir/cluster-resources/"});
    }
    return plan;
  }
  if (!v1_archives.empty()) {
    return {{path, SourceFormat::oc_mirror_v1, SourceLayout::archive_set, v1_archives}, {}};
  }
  if (path.filename() == "working-dir") {
    return {{path, SourceFormat::oc_mirror_v2, SourceLayout::directory, {}},
            {{path, "working-dir/"}}};
  }
  if (is_existing_directory(path / "working-dir")) {
    InputPlan plan{{path, SourceFormat::oc_mirror_v2, SourceLayout::directory, {}},
                   {{path / "working-dir", "working-dir/"}}};
    if (is_existing_directory(path / "docker/registry/v2")) {
      plan.directories.push_back({path / "docker", "docker/"});
    }
    return plan;
  }
  if (path.filename() == "oc-mirror-workspace") {
    return plan_v1_workspace(path, path, options);
  }
  if (is_existing_directory(path / "oc-mirror-workspace")) {
    return plan_v1_workspace(path, path / "oc-mirror-workspace", options);
  }
  if (std::error_code ignored; fs::is_regular_file(path / "oci-layout", ignored)) {
    return {{path, SourceFormat::oci_layout, SourceLayout::directory, {}}, {{path, ""}}};
  }
  if (is_existing_directory(path / "docker/registry/v2")) {
    return {{path, SourceFormat::registry_storage, SourceLayout::directory, {}},
            {{path / "docker", "docker/"}}};
  }
  // The storage tree named by its own root, docker/registry/v2 (or docker/), as a registry's
  // configuration spells it: read from the folder that holds docker/.
  const fs::path normal = fs::absolute(path).lexically_normal() / "";
  for (const std::string_view tail : {"docker/registry/v2/", "docker/"}) {
    const std::string text = normal.string();
    if (text.ends_with(str_cat("/", tail)) && is_existing_directory(path / "")) {
      const fs::path holder = fs::path(text.substr(0, text.size() - tail.size()));
      if (is_existing_directory(holder / "docker/registry/v2")) {
        return {{path, SourceFormat::registry_storage, SourceLayout::directory, {}},
                {{holder / "docker", "docker/"}}};
      }
    }
  }
  throw Error(ErrorKind::input,
              str_cat(path.string(),
                      ": not oc-mirror output: no working-dir, oc-mirror-workspace, mirror_*.tar "
                      "or docker/registry/v2 in it"));
}

InputPlan plan_file(const fs::path& path) {
  const std::string name = path.filename().string();
  const fs::path extension = path.extension();
  if (extension == ".tar") {
    const SourceFormat format =
        name.starts_with("mirror_seq") ? SourceFormat::oc_mirror_v1 : SourceFormat::oc_mirror_v2;
    return {{path, format, SourceLayout::archive_set, {path}}, {}};
  }
  if (extension == ".yaml" || extension == ".yml" || extension == ".json") {
    return {{path, SourceFormat::mirror_set_file, SourceLayout::file, {}}, {}};
  }
  if (extension == ".txt") {
    return {{path, SourceFormat::mapping_file, SourceLayout::file, {}}, {}};
  }
  throw Error(ErrorKind::input,
              str_cat(path.string(),
                      ": not oc-mirror output: expected a directory, a .tar archive, a mirror-set "
                      ".yaml or a mapping .txt"));
}

} // namespace

InputPlan plan_input(const fs::path& path, const ReadOptions& options) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (error || !fs::exists(status)) {
    throw Error(ErrorKind::input,
                str_cat(path.string(),
                        ": cannot read: ",
                        error ? error.message() : std::string("No such file or directory")));
  }
  if (fs::is_directory(status)) {
    return plan_directory(path, options);
  }
  if (fs::is_regular_file(status)) {
    return plan_file(path);
  }
  throw Error(ErrorKind::input,
              str_cat(path.string(), ": cannot read: not a regular file or directory"));
}

} // namespace zbundle::ocmirror
