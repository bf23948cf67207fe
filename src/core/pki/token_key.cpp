#include "core/pki/token_key.hpp"

#include "core/pki/openssl_error.hpp"
#include "core/pki/pkcs11_session.hpp"
#include "core/util/error.hpp"
#include "core/util/handles.hpp"
#include "core/util/sha256.hpp"
#include "core/util/str_cat.hpp"

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>

#include <array>
#include <cstring>

namespace zbundle::pki {
namespace {

using util::str_cat;
namespace fs = std::filesystem;

constexpr std::size_t k_attribute_limit = 2048; // an RSA-8192 modulus is 1024 bytes
constexpr std::size_t k_id_size = 16;           // a random CKA_ID for a generated pair
constexpr std::size_t k_coordinate_size = 32;   // P-256
constexpr std::size_t k_ed25519_size = 32;
constexpr unsigned long k_rsa_bits = 3072;
constexpr unsigned long k_pss_salt_length = 32;
// DER of the curve OIDs in CKA_EC_PARAMS: prime256v1, and id-Ed25519 (or its printable name,
// which older tokens use).
constexpr std::string_view k_p256_params = "\x06\x08\x2a\x86\x48\xce\x3d\x03\x01\x07";
constexpr std::string_view k_ed25519_params = "\x06\x03\x2b\x65\x70";
constexpr std::string_view k_ed25519_name_params = "\x13\x0c"
                                                   "edwards25519";

using ParamBuilder = std::unique_ptr<OSSL_PARAM_BLD, util::FreeWith<OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, util::FreeWith<OSSL_PARAM_free>>;
using BigNumber = std::unique_ptr<BIGNUM, util::FreeWith<BN_free>>;
using EcdsaSignature = std::unique_ptr<ECDSA_SIG, util::FreeWith<ECDSA_SIG_free>>;

struct SigningMechanism {
  ck_mechanism_type_t sign;
  std::string_view sign_name;
  ck_mechanism_type_t generate;
  std::string_view generate_name;
};

SigningMechanism mechanism_for(KeyType type) {
  switch (type) {
  case KeyType::ed25519:
    return {CKM_EDDSA, "CKM_EDDSA", CKM_EC_EDWARDS_KEY_PAIR_GEN, "CKM_EC_EDWARDS_KEY_PAIR_GEN"};
  case KeyType::ecdsa_p256:
    return {CKM_ECDSA, "CKM_ECDSA", CKM_EC_KEY_PAIR_GEN, "CKM_EC_KEY_PAIR_GEN"};
  case KeyType::rsa3072:
    break;
  }
  return {
      CKM_RSA_PKCS_PSS, "CKM_RSA_PKCS_PSS", CKM_RSA_PKCS_KEY_PAIR_GEN, "CKM_RSA_PKCS_KEY_PAIR_GEN"};
}

fs::path module_for(const Pkcs11Uri& uri, const TokenOptions& options) {
  if (!options.module.empty()) {
    return options.module;
  }
  return uri.module_path ? fs::path(*uri.module_path) : default_pkcs11_module();
}

// CKA_EC_POINT is a DER OCTET STRING around the point; some tokens give the bare point.
std::string bare_point(std::string point, std::size_t size) {
  if (point.size() == size + 2 && point[0] == '\x04'
      && static_cast<unsigned char>(point[1]) == size) {
    return point.substr(2);
  }
  return point;
}

util::PublicKey key_from_params(const char* algorithm, const OSSL_PARAM* params) {
  const util::KeyContext context(EVP_PKEY_CTX_new_from_name(nullptr, algorithm, nullptr));
  EVP_PKEY* key = nullptr;
  if (!context || EVP_PKEY_fromdata_init(context.get()) != 1
      || EVP_PKEY_fromdata(
             context.get(), &key, EVP_PKEY_PUBLIC_KEY, const_cast<OSSL_PARAM*>(params))
             != 1) {
    throw Error(ErrorKind::input,
                str_cat("the token's ", algorithm, " public key: ", openssl_error_message()));
  }
  return util::PublicKey(key);
}

struct TokenPublicKey {
  util::PublicKey key;
  KeyType type = KeyType::ed25519;
  ck_key_type_t token_type = 0; // CKA_KEY_TYPE, to hold the private key to
};

ck_key_type_t key_type_of(const Pkcs11Session& session, ck_object_handle_t object) {
  const std::optional<std::string> bytes = session.attribute(object, CKA_KEY_TYPE, 16);
  ck_key_type_t type = 0;
  if (!bytes || bytes->size() != sizeof type) {
    throw Error(ErrorKind::input, str_cat(session.name(), ": a key without a readable key type"));
  }
  std::memcpy(&type, bytes->data(), sizeof type);
  return type;
}

std::string required(const Pkcs11Session& session,
                     ck_object_handle_t object,
                     ck_attribute_type_t type,
                     std::string_view name) {
  std::optional<std::string> bytes = session.attribute(object, type, k_attribute_limit);
  if (!bytes || bytes->empty()) {
    throw Error(ErrorKind::input, str_cat(session.name(), ": the public key has no ", name));
  }
  return std::move(*bytes);
}

// The public key object's key as OpenSSL holds it, and which of our types it is.
TokenPublicKey read_public_key(const Pkcs11Session& session, ck_object_handle_t object) {
  const ck_key_type_t type = key_type_of(session, object);
  if (type == CKK_EC) {
    if (required(session, object, CKA_EC_PARAMS, "CKA_EC_PARAMS") != k_p256_params) {
      throw Error(ErrorKind::input,
                  str_cat(session.name(), ": an EC key on another curve: only P-256 signs"));
    }
    std::string point = bare_point(required(session, object, CKA_EC_POINT, "CKA_EC_POINT"),
                                   2 * k_coordinate_size + 1);
    std::array<char, 16> group{"prime256v1"};
    const std::array params{
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group.data(), 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()),
        OSSL_PARAM_construct_end()};
    return {key_from_params("EC", params.data()), KeyType::ecdsa_p256, type};
  }
  if (type == CKK_EC_EDWARDS) {
    const std::string params = required(session, object, CKA_EC_PARAMS, "CKA_EC_PARAMS");
    if (params != k_ed25519_params && params != k_ed25519_name_params) {
      throw Error(ErrorKind::input,
                  str_cat(session.name(), ": an Edwards key on another curve: only Ed25519 signs"));
    }
    const std::string point =
        bare_point(required(session, object, CKA_EC_POINT, "CKA_EC_POINT"), k_ed25519_size);
    util::PublicKey key(
        EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519,
                                    nullptr,
                                    reinterpret_cast<const unsigned char*>(point.data()),
                                    point.size()));
    if (!key) {
      throw Error(ErrorKind::input,
                  str_cat(session.name(), ": the Ed25519 public key: ", openssl_error_message()));
    }
    return {std::move(key), KeyType::ed25519, type};
  }
  if (type == CKK_RSA) {
    const std::string modulus = required(session, object, CKA_MODULUS, "CKA_MODULUS");
    const std::string exponent =
        required(session, object, CKA_PUBLIC_EXPONENT, "CKA_PUBLIC_EXPONENT");
    const auto big = [](const std::string& bytes) {
      return BigNumber(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                                 static_cast<int>(bytes.size()),
                                 nullptr));
    };
    const BigNumber n = big(modulus);
    const BigNumber e = big(exponent);
    const ParamBuilder builder(OSSL_PARAM_BLD_new());
    if (!n || !e || !builder
        || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1
        || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
      throw Error(ErrorKind::io, str_cat("RSA public key: ", openssl_error_message()));
    }
    const Params params(OSSL_PARAM_BLD_to_param(builder.get()));
    if (!params) {
      throw Error(ErrorKind::io, str_cat("RSA public key: ", openssl_error_message()));
    }
    return {key_from_params("RSA", params.get()), KeyType::rsa3072, type};
  }
  throw Error(ErrorKind::input,
              str_cat(session.name(),
                      ": a key of PKCS#11 type ",
                      type,
                      ": zbundle signs with Ed25519, ECDSA P-256 or RSA-3072"));
}

// r || s, as PKCS#11's CKM_ECDSA returns them, in the DER form section 4 fixes.
std::vector<unsigned char> ecdsa_der(const std::vector<unsigned char>& raw,
                                     std::string_view token) {
  if (raw.size() != 2 * k_coordinate_size) {
    throw Error(ErrorKind::input,
                str_cat(token, ": an ECDSA P-256 signature of ", raw.size(), " bytes (not 64)"));
  }
  EcdsaSignature signature(ECDSA_SIG_new());
  BigNumber r(BN_bin2bn(raw.data(), k_coordinate_size, nullptr));
  BigNumber s(BN_bin2bn(raw.data() + k_coordinate_size, k_coordinate_size, nullptr));
  if (!signature || !r || !s || ECDSA_SIG_set0(signature.get(), r.get(), s.get()) != 1) {
    throw Error(ErrorKind::io, str_cat("ECDSA signature: ", openssl_error_message()));
  }
  (void)r.release(); // the signature owns them now
  (void)s.release();
  unsigned char* der = nullptr;
  const int length = i2d_ECDSA_SIG(signature.get(), &der);
  if (length <= 0) {
    throw Error(ErrorKind::io, str_cat("ECDSA signature: ", openssl_error_message()));
  }
  std::vector<unsigned char> out(der, der + length);
  OPENSSL_free(der);
  return out;
}

class TokenSigner final : public ExternalSigner {
public:
  TokenSigner(std::unique_ptr<Pkcs11Session> session, ck_object_handle_t key, KeyType type)
      : m_session(std::move(session)), m_key(key), m_type(type) {}

  [[nodiscard]] std::vector<unsigned char> sign(std::span<const std::byte> message) const override {
    if (m_type == KeyType::ed25519) { // pure EdDSA signs the message itself
      struct ck_mechanism mechanism {
        CKM_EDDSA, nullptr, 0
      };
      return m_session->sign(
          m_key,
          mechanism,
          {reinterpret_cast<const unsigned char*>(message.data()), message.size()});
    }
    util::Sha256 hasher;
    hasher.update(message);
    const util::Sha256Digest digest = util::Sha256Digest::from_digest(hasher.finish());
    const std::span<const unsigned char> data(digest.bytes);
    if (m_type == KeyType::ecdsa_p256) {
      struct ck_mechanism mechanism {
        CKM_ECDSA, nullptr, 0
      };
      return ecdsa_der(m_session->sign(m_key, mechanism, data), m_session->name());
    }
    struct ck_rsa_pkcs_pss_params pss {
      CKM_SHA256, CKG_MGF1_SHA256, k_pss_salt_length
    };
    struct ck_mechanism mechanism {
      CKM_RSA_PKCS_PSS, &pss, sizeof pss
    };
    return m_session->sign(m_key, mechanism, data);
  }

private:
  std::unique_ptr<Pkcs11Session> m_session;
  ck_object_handle_t m_key;
  KeyType m_type;
};

// The one object of `object_class` the URI names; refuses none or several.
ck_object_handle_t one_object(const Pkcs11Session& session,
                              ck_object_class_t object_class,
                              const std::optional<std::string>& label,
                              const std::optional<std::string>& id,
                              std::string_view what) {
  const std::vector<ck_object_handle_t> found = session.find(object_class, label, id, 2);
  if (found.size() != 1) {
    throw Error(ErrorKind::input,
                str_cat(session.name(),
                        found.empty() ? ": no " : ": several ",
                        what,
                        " with ",
                        label ? str_cat("label '", *label, "'") : std::string("that id"),
                        found.empty() ? " (is the PIN right, is it the right token?)"
                                      : ": add id= to choose one"));
  }
  return found.front();
}

} // namespace

SigningKey open_token_key(const Pkcs11Uri& uri, const TokenOptions& options) {
  auto session = std::make_unique<Pkcs11Session>(
      module_for(uri, options), uri, options.pin, TokenAccess::sign);
  const ck_object_handle_t private_key =
      one_object(*session, CKO_PRIVATE_KEY, uri.object, uri.id, "private key");
  // The public half sits beside it under the same CKA_ID (or the same label, without one).
  std::optional<std::string> id = session->attribute(private_key, CKA_ID, k_attribute_limit);
  const bool has_id = id && !id->empty();
  const ck_object_handle_t public_key = one_object(*session,
                                                   CKO_PUBLIC_KEY,
                                                   has_id ? std::nullopt : uri.object,
                                                   has_id ? id : std::nullopt,
                                                   "public key beside the private key");
  TokenPublicKey half = read_public_key(*session, public_key);
  if (key_type_of(*session, private_key) != half.token_type) {
    throw Error(ErrorKind::input,
                str_cat(session->name(), ": the private and public keys are of different types"));
  }
  const SigningMechanism mechanism = mechanism_for(half.type);
  session->require_mechanism(
      mechanism.sign, CKF_SIGN, mechanism.sign_name, "signing with this key");
  std::string subject = str_cat(session->name(), " key '", uri.describe(), "'");
  return {std::move(half.key),
          std::make_shared<const TokenSigner>(std::move(session), private_key, half.type),
          std::move(subject)};
}

std::string generate_token_key(const Pkcs11Uri& uri, KeyType type, const TokenOptions& options) {
  if (!uri.object) {
    throw Error(ErrorKind::usage, str_cat(uri.text, ": name the new key with object=LABEL"));
  }
  Pkcs11Session session(module_for(uri, options), uri, options.pin, TokenAccess::generate);
  if (!session.find(CKO_PRIVATE_KEY, uri.object, std::nullopt, 1).empty()
      || (uri.id && !session.find(CKO_PRIVATE_KEY, std::nullopt, uri.id, 1).empty())) {
    throw Error(ErrorKind::usage,
                str_cat(session.name(),
                        ": already holds a key '",
                        uri.describe(),
                        "': refusing to make a second one under the same name"));
  }
  const SigningMechanism mechanism = mechanism_for(type);
  session.require_mechanism(mechanism.sign, CKF_SIGN, mechanism.sign_name, "signing");
  session.require_mechanism(
      mechanism.generate, CKF_GENERATE_KEY_PAIR, mechanism.generate_name, "keygen");
  std::string id = uri.id.value_or(std::string(k_id_size, '\0'));
  if (!uri.id
      && RAND_bytes(reinterpret_cast<unsigned char*>(id.data()), static_cast<int>(id.size()))
             != 1) {
    throw Error(ErrorKind::io, str_cat("key id: ", openssl_error_message()));
  }
  std::string label = *uri.object;
  unsigned char yes = 1;
  unsigned char no = 0;
  unsigned long bits = k_rsa_bits;
  std::array<unsigned char, 3> exponent{1, 0, 1};
  std::string curve(type == KeyType::ed25519 ? k_ed25519_params : k_p256_params);
  std::vector<struct ck_attribute> public_template{{CKA_TOKEN, &yes, 1},
                                                   {CKA_VERIFY, &yes, 1},
                                                   {CKA_LABEL, label.data(), label.size()},
                                                   {CKA_ID, id.data(), id.size()}};
  std::vector<struct ck_attribute> private_template{{CKA_TOKEN, &yes, 1},
                                                    {CKA_PRIVATE, &yes, 1},
                                                    {CKA_SENSITIVE, &yes, 1},
                                                    {CKA_EXTRACTABLE, &no, 1},
                                                    {CKA_SIGN, &yes, 1},
                                                    {CKA_LABEL, label.data(), label.size()},
                                                    {CKA_ID, id.data(), id.size()}};
  if (type == KeyType::rsa3072) {
    public_template.push_back({CKA_MODULUS_BITS, &bits, sizeof bits});
    public_template.push_back({CKA_PUBLIC_EXPONENT, exponent.data(), exponent.size()});
  } else {
    public_template.push_back({CKA_EC_PARAMS, curve.data(), curve.size()});
  }
  struct ck_mechanism generate {
    mechanism.generate, nullptr, 0
  };
  const ck_object_handle_t public_key =
      session.generate_key_pair(generate, public_template, private_template);
  TokenPublicKey half = read_public_key(session, public_key);
  return VerifyingKey(std::move(half.key), session.name()).key_id();
}

} // namespace zbundle::pki
