#include "test_support.hpp"

#include "core/util/handles.hpp"
#include "core/util/sha256.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace zbundle::test {

namespace fs = std::filesystem;

std::string sha256(std::string_view text) {
  util::Sha256 hasher;
  hasher.update(std::as_bytes(std::span(text.data(), text.size())));
  return hasher.finish();
}

std::string blob_path(const std::string& digest) {
  const std::string hex = digest.substr(std::string_view("sha256:").size());
  return k_registry_storage + "blobs/sha256/" + hex.substr(0, 2) + "/" + hex + "/data";
}

std::string tag_path(const std::string& repository, const std::string& tag) {
  return k_registry_storage + "repositories/" + repository + "/_manifests/tags/" + tag
         + "/current/link";
}

std::string Image::manifest() const {
  return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"c","digest":")"
         + sha256(config) + R"(","size":)" + std::to_string(config.size())
         + R"(},"layers":[{"mediaType":"l","digest":")" + sha256(layer) + R"(","size":)"
         + std::to_string(layer.size()) + "}]}";
}

void write_blob_storage(const fs::path& root, int count, std::size_t size) {
  for (int blob = 0; blob < count; ++blob) {
    std::string data(size, '\0');
    std::uint32_t state = 2166136261U + static_cast<std::uint32_t>(blob);
    for (char& c : data) {
      state = state * 1664525U + 1013904223U;
      c = static_cast<char>(state >> 24U);
    }
    const std::string hex = sha256(data).substr(std::string_view("sha256:").size());
    write_file(root / "docker/registry/v2/blobs/sha256" / hex.substr(0, 2) / hex / "data", data);
  }
}

TempDir::TempDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::random_device random;
  const std::string name = std::string("zbundle-") + (info != nullptr ? info->name() : "test") + "-"
                           + std::to_string(::getpid()) + "-" + std::to_string(random());
  m_path = fs::temp_directory_path() / name;
  fs::create_directories(m_path);
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::permissions(m_path, fs::perms::owner_all, fs::perm_options::add, ignored);
  fs::remove_all(m_path, ignored);
}

void write_file(const fs::path& path, std::string_view text) {
  if (path.has_parent_path()) {
    fs::create_directories(path.parent_path());
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) {
    throw std::runtime_error("cannot write " + path.string());
  }
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read " + path.string());
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string self_signed_pem(std::string_view common_name) {
  const util::PrivateKey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  const util::Certificate made(X509_new());
  X509* certificate = made.get();
  const std::string name_text(common_name);
  X509_set_version(certificate, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(certificate), 1);
  X509_gmtime_adj(X509_getm_notBefore(certificate), 0);
  X509_gmtime_adj(X509_getm_notAfter(certificate), 3600);
  X509_NAME* name = X509_get_subject_name(certificate);
  X509_NAME_add_entry_by_txt(name,
                             "CN",
                             MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(name_text.c_str()),
                             -1,
                             -1,
                             0);
  X509_set_issuer_name(certificate, name);
  X509_set_pubkey(certificate, key.get());
  X509_sign(certificate, key.get(), EVP_sha256());
  const util::BasicIo bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), certificate);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return {data, static_cast<std::size_t>(length)};
}

std::string test_data(std::string_view relative) {
  return read_file(fs::path(ZBUNDLE_TEST_DATA) / relative);
}

struct TarBuilder::Impl {
  util::ArchiveWriter writer{archive_write_new()};

  void add(std::string_view name,
           unsigned type,
           unsigned mode,
           std::string_view content,
           std::string_view target) {
    const util::ArchiveEntry entry(archive_entry_new());
    archive_entry_set_pathname(entry.get(), std::string(name).c_str());
    archive_entry_set_filetype(entry.get(), type);
    archive_entry_set_perm(entry.get(), mode);
    archive_entry_set_mtime(entry.get(), 1735689600, 0);
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(content.size()));
    if (!target.empty()) {
      archive_entry_set_symlink(entry.get(), std::string(target).c_str());
    }
    if (archive_write_header(writer.get(), entry.get()) != ARCHIVE_OK) {
      throw std::runtime_error(std::string("tar header: ") + archive_error_string(writer.get()));
    }
    if (!content.empty() && archive_write_data(writer.get(), content.data(), content.size()) < 0) {
      throw std::runtime_error(std::string("tar data: ") + archive_error_string(writer.get()));
    }
  }
};

TarBuilder::TarBuilder(const fs::path& path) : m_impl(std::make_unique<Impl>()) {
  if (!m_impl->writer) {
    throw std::runtime_error("archive_write_new failed");
  }
  archive_write_set_format_pax_restricted(m_impl->writer.get());
  if (path.has_parent_path()) {
    fs::create_directories(path.parent_path());
  }
  if (archive_write_open_filename(m_impl->writer.get(), path.c_str()) != ARCHIVE_OK) {
    throw std::runtime_error("cannot create " + path.string());
  }
}

TarBuilder::~TarBuilder() = default;

TarBuilder& TarBuilder::file(std::string_view name, std::string_view content) {
  m_impl->add(name, AE_IFREG, 0644, content, {});
  return *this;
}

TarBuilder& TarBuilder::directory(std::string_view name) {
  m_impl->add(name, AE_IFDIR, 0755, {}, {});
  return *this;
}

TarBuilder& TarBuilder::symlink(std::string_view name, std::string_view target) {
  m_impl->add(name, AE_IFLNK, 0777, {}, target);
  return *this;
}

void TarBuilder::close() {
  if (archive_write_close(m_impl->writer.get()) != ARCHIVE_OK) {
    throw std::runtime_error(std::string("tar close: ")
                             + archive_error_string(m_impl->writer.get()));
  }
}

} // namespace zbundle::test
