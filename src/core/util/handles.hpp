#pragma once

// RAII owners for every C handle zbundle uses; no *_free call appears anywhere else.

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>

#include <memory>

namespace zbundle::util {

template <auto Free> struct FreeWith {
  template <class T> void operator()(T* handle) const noexcept { Free(handle); }
};

using ArchiveReader = std::unique_ptr<archive, FreeWith<archive_read_free>>;
using ArchiveWriter = std::unique_ptr<archive, FreeWith<archive_write_free>>;
using ArchiveEntry = std::unique_ptr<archive_entry, FreeWith<archive_entry_free>>;
using DigestContext = std::unique_ptr<EVP_MD_CTX, FreeWith<EVP_MD_CTX_free>>;

} // namespace zbundle::util
