#include "core/pki/trusted_keys.hpp"

#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <algorithm>
#include <system_error>

namespace zbundle::pki {
namespace {

namespace fs = std::filesystem;
using util::str_cat;

constexpr std::size_t k_key_limit = 64;

} // namespace

std::vector<TrustedKey> load_trusted_keys(const fs::path& directory) {
  std::error_code error;
  std::vector<fs::path> files;
  for (fs::directory_iterator entries(directory, error); !error && entries != fs::end(entries);
       entries.increment(error)) {
    const fs::directory_entry& entry = *entries;
    if (entry.path().extension() != ".pub") {
      continue;
    }
    if (!entry.is_regular_file(error)) { // follows a symlink: /etc/alternatives style is fine
      throw Error(ErrorKind::input, str_cat(entry.path().string(), ": not a regular file"));
    }
    if (files.size() == k_key_limit) {
      throw Error(
          ErrorKind::input,
          str_cat("--trust-dir ", directory.string(), ": more than ", k_key_limit, " keys"));
    }
    files.push_back(entry.path());
  }
  if (error) {
    throw Error(ErrorKind::input,
                str_cat("--trust-dir ", directory.string(), ": cannot read: ", error.message()));
  }
  if (files.empty()) {
    throw Error(ErrorKind::input,
                str_cat("--trust-dir ", directory.string(), ": no *.pub key in it"));
  }
  std::sort(files.begin(), files.end());
  std::vector<TrustedKey> keys;
  keys.reserve(files.size());
  for (fs::path& file : files) {
    auto key = std::make_shared<const VerifyingKey>(file);
    keys.push_back({std::move(file), std::move(key)});
  }
  return keys;
}

} // namespace zbundle::pki
