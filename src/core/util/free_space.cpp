#include "core/util/free_space.hpp"

#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <sys/statvfs.h>

#include <cerrno>

namespace zbundle::util {

void require_free_space(const std::filesystem::path& directory,
                        std::uint64_t needed,
                        std::string_view what) {
  struct statvfs status {};
  if (::statvfs(directory.c_str(), &status) != 0) {
    throw Error(
        ErrorKind::io,
        str_cat(directory.string(), ": cannot tell the free space: ", errno_message(errno)));
  }
  const std::uint64_t available = static_cast<std::uint64_t>(status.f_bavail) * status.f_frsize;
  if (available < needed) {
    throw Error(ErrorKind::io,
                str_cat(directory.string(),
                        ": ",
                        available,
                        " bytes free, ",
                        what,
                        " needs up to ",
                        needed,
                        " (--no-space-check writes anyway)"));
  }
}

} // namespace zbundle::util
