#include "core/pki/cms_envelope.hpp"
#include "core/util/error.hpp"
#include "core/util/handles.hpp"
#include "test_support.hpp"

#include <openssl/pem.h>

#include <cstdio>
#include <fstream>

namespace zbundle::pki {
namespace {

using test::TempDir;

struct Recipient {
  util::PrivateKey key;
  util::Certificate certificate;
};

// A self-signed certificate for a fresh key of `type` ("RSA", "EC", "ED25519").
Recipient make_recipient(const char* type) {
  Recipient made;
  if (std::string_view(type) == "RSA") {
    made.key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}));
  } else if (std::string_view(type) == "EC") {
    made.key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  } else {
    made.key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, type));
  }
  made.certificate.reset(X509_new());
  X509* certificate = made.certificate.get();
  X509_set_version(certificate, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(certificate), 1);
  X509_gmtime_adj(X509_getm_notBefore(certificate), 0);
  X509_gmtime_adj(X509_getm_notAfter(certificate), 3600);
  X509_NAME* name = X509_get_subject_name(certificate);
  X509_NAME_add_entry_by_txt(
      name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("bastion"), -1, -1, 0);
  X509_set_issuer_name(certificate, name);
  X509_set_pubkey(certificate, made.key.get());
  const bool is_ed25519 = std::string_view(type) == "ED25519";
  X509_sign(certificate, made.key.get(), is_ed25519 ? nullptr : EVP_sha256());
  return made;
}

void write_pem(const std::filesystem::path& path, const Recipient& recipient, bool is_key) {
  const util::BasicIo bio(BIO_new_file(path.c_str(), "w"));
  ASSERT_TRUE(bio);
  ASSERT_EQ(is_key ? PEM_write_bio_PrivateKey(
                bio.get(), recipient.key.get(), nullptr, nullptr, 0, nullptr, nullptr)
                   : PEM_write_bio_X509(bio.get(), recipient.certificate.get()),
            1);
}

// `pem` re-encoded with the last byte of its DER inverted.
std::string with_last_byte_flipped(const std::string& pem) {
  const util::BasicIo input(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  const util::CmsContent message(PEM_read_bio_CMS(input.get(), nullptr, nullptr, nullptr));
  unsigned char* der = nullptr;
  const int length = i2d_CMS_ContentInfo(message.get(), &der);
  if (length <= 0) {
    return {};
  }
  der[length - 1] ^= 0xff;
  const unsigned char* cursor = der;
  const util::CmsContent altered(d2i_CMS_ContentInfo(nullptr, &cursor, length));
  OPENSSL_free(der);
  const util::BasicIo output(BIO_new(BIO_s_mem()));
  if (!altered || PEM_write_bio_CMS(output.get(), altered.get()) != 1) {
    return {};
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(output.get(), &data);
  return {data, static_cast<std::size_t>(size)};
}

TEST(CmsEnvelope, RoundTripsToRsaAndEcRecipientsOnly) {
  const TempDir dir;
  const std::string secret = R"({"auths": {"mirror.test:8443": {"auth": "dXNlcjpwdw=="}}})";
  for (const char* type : {"RSA", "EC"}) {
    const Recipient recipient = make_recipient(type);
    write_pem(dir / "cert.pem", recipient, false);
    write_pem(dir / "key.pem", recipient, true);
    const std::string envelope = encrypt_for(secret, recipient.certificate.get(), "cert.pem");
    EXPECT_TRUE(envelope.starts_with("-----BEGIN CMS-----")) << type;
    EXPECT_EQ(envelope.find("dXNlcjpwdw"), std::string::npos) << "plaintext in the envelope";
    EXPECT_EQ(decrypt_with(envelope, "m.cms", dir / "cert.pem", dir / "key.pem"), secret) << type;

    // Another key cannot open it.
    const Recipient other = make_recipient(type);
    write_pem(dir / "other-cert.pem", other, false);
    write_pem(dir / "other-key.pem", other, true);
    EXPECT_ZB_ERROR(
        (void)decrypt_with(envelope, "m.cms", dir / "other-cert.pem", dir / "other-key.pem"),
        ErrorKind::check,
        "m.cms: cannot decrypt with");
  }
  // An altered envelope fails its authentication tag (the tag is the last DER byte's field).
  const Recipient recipient = make_recipient("RSA");
  write_pem(dir / "cert.pem", recipient, false);
  write_pem(dir / "key.pem", recipient, true);
  const std::string envelope = encrypt_for(secret, recipient.certificate.get(), "cert.pem");
  EXPECT_ZB_ERROR((void)decrypt_with(
                      with_last_byte_flipped(envelope), "m.cms", dir / "cert.pem", dir / "key.pem"),
                  ErrorKind::check,
                  "m.cms: cannot decrypt with");
  // Ed25519 cannot receive CMS EnvelopedData: said at create time, not on the bastion.
  const Recipient ed = make_recipient("ED25519");
  EXPECT_ZB_ERROR((void)encrypt_for(secret, ed.certificate.get(), "ed.pem"),
                  ErrorKind::input,
                  "ed.pem: cannot encrypt to this certificate");
  EXPECT_ZB_ERROR((void)decrypt_with("not cms", "m.cms", dir / "cert.pem", dir / "key.pem"),
                  ErrorKind::check,
                  "m.cms: not a PEM CMS message");
}

} // namespace
} // namespace zbundle::pki
