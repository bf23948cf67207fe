#pragma once

// RAII owners for every C handle zbundle uses; no *_free call appears anywhere else.

#include <archive.h>
#include <archive_entry.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <zstd.h>
// clang-format off
#include <openssl/cms.h> // after pem.h: it declares its PEM functions only when pem.h came first
// clang-format on

#include <memory>

namespace zbundle::util {

template <auto Free> struct FreeWith {
  template <class T> void operator()(T* handle) const noexcept { Free(handle); }
};

using ArchiveReader = std::unique_ptr<archive, FreeWith<archive_read_free>>;
using ArchiveWriter = std::unique_ptr<archive, FreeWith<archive_write_free>>;
using ArchiveEntry = std::unique_ptr<archive_entry, FreeWith<archive_entry_free>>;
using DigestContext = std::unique_ptr<EVP_MD_CTX, FreeWith<EVP_MD_CTX_free>>;
using Certificate = std::unique_ptr<X509, FreeWith<X509_free>>;
using CertificateRevocationList = std::unique_ptr<X509_CRL, FreeWith<X509_CRL_free>>;
using CertificateStore = std::unique_ptr<X509_STORE, FreeWith<X509_STORE_free>>;
using CertificateStoreContext = std::unique_ptr<X509_STORE_CTX, FreeWith<X509_STORE_CTX_free>>;
using BasicIo = std::unique_ptr<BIO, FreeWith<BIO_free_all>>;
using PublicKey = std::unique_ptr<EVP_PKEY, FreeWith<EVP_PKEY_free>>;
using PrivateKey = PublicKey; // the same OpenSSL type; the name says which half is held
using KeyContext = std::unique_ptr<EVP_PKEY_CTX, FreeWith<EVP_PKEY_CTX_free>>;
using TlsContext = std::unique_ptr<SSL_CTX, FreeWith<SSL_CTX_free>>;
using TlsConnection = std::unique_ptr<SSL, FreeWith<SSL_free>>;
using NameConstraints = std::unique_ptr<NAME_CONSTRAINTS, FreeWith<NAME_CONSTRAINTS_free>>;
using GeneralNames = std::unique_ptr<GENERAL_NAMES, FreeWith<GENERAL_NAMES_free>>;
using ExtendedKeyUsage = std::unique_ptr<EXTENDED_KEY_USAGE, FreeWith<EXTENDED_KEY_USAGE_free>>;
using BasicConstraints = std::unique_ptr<BASIC_CONSTRAINTS, FreeWith<BASIC_CONSTRAINTS_free>>;
using AuthorityKeyId = std::unique_ptr<AUTHORITY_KEYID, FreeWith<AUTHORITY_KEYID_free>>;
using CmsContent = std::unique_ptr<CMS_ContentInfo, FreeWith<CMS_ContentInfo_free>>;
using ZstdCompressor = std::unique_ptr<ZSTD_CCtx, FreeWith<ZSTD_freeCCtx>>;
using ZstdDecompressor = std::unique_ptr<ZSTD_DCtx, FreeWith<ZSTD_freeDCtx>>;

// STACK_OF(X509) that owns its certificates (pop and free).
struct CertificateStackFree {
  void operator()(STACK_OF(X509) * stack) const noexcept { sk_X509_pop_free(stack, X509_free); }
};
using CertificateStack = std::unique_ptr<STACK_OF(X509), CertificateStackFree>;

} // namespace zbundle::util
