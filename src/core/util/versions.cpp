#include "core/util/versions.hpp"

#include "core/util/str_cat.hpp"

#include <archive.h>
#include <boost/version.hpp>
#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <zstd.h>

namespace zbundle::util {

std::string linked_library_versions() {
  return str_cat(OpenSSL_version(OPENSSL_VERSION),
                 ", ",
                 archive_version_string(),
                 ", zstd ",
                 ZSTD_versionString(),
                 ", Boost ",
                 BOOST_VERSION / 100000,
                 ".",
                 BOOST_VERSION / 100 % 1000,
                 ", nlohmann_json ",
                 NLOHMANN_JSON_VERSION_MAJOR,
                 ".",
                 NLOHMANN_JSON_VERSION_MINOR);
}

} // namespace zbundle::util
