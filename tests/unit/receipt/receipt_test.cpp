#include "core/receipt/receipt.hpp"
#include "core/util/base64.hpp"
#include "core/util/error.hpp"
#include "test_support.hpp"

#include <nlohmann/json.hpp>

namespace zbundle::receipt {
namespace {

using test::TempDir;

const std::string k_digest_a = "sha256:" + std::string(64, 'a');
const std::string k_digest_b = "sha256:" + std::string(64, 'b');

Receipt sample_receipt() {
  Receipt receipt;
  receipt.registry = "mirror.example:8443";
  receipt.name_space = "ocp";
  receipt.created = "2026-12-02T10:00:00Z";
  receipt.bundles.push_back({std::string(32, 'c'), "2026-12-01T09:00:00Z"});
  model::HeldRepository repository;
  repository.name = "openshift/release-images";
  repository.tags["4.18.1-multi"] = k_digest_a;
  repository.manifests[k_digest_a] = {"application/vnd.oci.image.manifest.v1+json",
                                      {k_digest_b},
                                      {"sha256:" + std::string(64, 'd')},
                                      {}};
  receipt.inventory.repositories.push_back(repository);
  return receipt;
}

struct Keys {
  TempDir dir;
  pki::SigningKey bastion = make("bastion");
  pki::SigningKey other = make("other");

  pki::SigningKey make(const std::string& name) {
    (void)pki::generate_signing_key(dir / name, pki::KeyType::ed25519, "");
    return {dir / (name + ".key"), ""};
  }
};

// The signed document with its body replaced by `body` (the signature kept).
std::string with_body(const std::string& document, const std::string& body) {
  nlohmann::json parsed = nlohmann::json::parse(document);
  parsed["body"] = util::encode_base64(body);
  return parsed.dump();
}

std::string body_of(const std::string& document) {
  return *util::decode_base64(nlohmann::json::parse(document)["body"].get<std::string>(), 1 << 20);
}

TEST(Receipt, RoundTripsWithItsIdAndSigner) {
  const Keys keys;
  const std::string document = write_receipt(sample_receipt(), keys.bastion);
  const Receipt read = read_receipt(document, "r.json", keys.bastion.verifying_key());
  EXPECT_EQ(read.key_id, keys.bastion.key_id());
  EXPECT_TRUE(read.id.starts_with("sha256:"));
  EXPECT_EQ(read.registry, "mirror.example:8443");
  EXPECT_EQ(read.name_space, "ocp");
  ASSERT_EQ(read.bundles.size(), 1U);
  EXPECT_EQ(read.bundles[0].id, std::string(32, 'c'));
  ASSERT_EQ(read.inventory.repositories.size(), 1U);
  const model::HeldRepository& repository = read.inventory.repositories[0];
  EXPECT_EQ(repository.tags.at("4.18.1-multi"), k_digest_a);
  EXPECT_EQ(repository.manifests.at(k_digest_a).blobs, std::vector<std::string>{k_digest_b});
  EXPECT_EQ(repository.manifests.at(k_digest_a).missing_blobs.size(), 1U);
  EXPECT_EQ(read.inventory.manifests, 1U);
  EXPECT_EQ(read.inventory.blobs, 1U); // missing blobs are not counted as held
}

TEST(Receipt, AnotherKeyOrAnAlteredBodyIsRefused) {
  const Keys keys;
  const std::string document = write_receipt(sample_receipt(), keys.bastion);
  EXPECT_ZB_ERROR((void)read_receipt(document, "r.json", keys.other.verifying_key()),
                  ErrorKind::check,
                  "r.json: the signature does not verify with key");
  std::string body = body_of(document);
  body.replace(body.find("4.18.1-multi"), 12, "4.18.2-multi");
  EXPECT_ZB_ERROR(
      (void)read_receipt(with_body(document, body), "r.json", keys.bastion.verifying_key()),
      ErrorKind::check,
      "r.json: the signature does not verify");
  EXPECT_ZB_ERROR((void)read_receipt(R"({"mediaType": "application/json"})",
                                     "r.json",
                                     keys.bastion.verifying_key()),
                  ErrorKind::check,
                  "r.json: mediaType: not a zbundle receipt");
  EXPECT_ZB_ERROR(
      (void)read_receipt("[", "r.json", keys.bastion.verifying_key()), ErrorKind::input, "r.json");
}

// A body the key did sign is still read by the grammar: a signer's slip or a hostile
// bastion key cannot put a path or a URL where a name belongs.
TEST(Receipt, ASignedBodyOutsideTheGrammarIsRefused) {
  const Keys keys;
  const auto refused = [&](const std::string& from, const std::string& to, const char* message) {
    std::string body = body_of(write_receipt(sample_receipt(), keys.bastion));
    ASSERT_NE(body.find(from), std::string::npos) << from;
    body.replace(body.find(from), from.size(), to);
    // Signed again, as a bastion would have.
    nlohmann::json document;
    document["mediaType"] = k_receipt_media_type;
    document["body"] = util::encode_base64(body);
    const std::vector<unsigned char> signature =
        keys.bastion.sign(std::as_bytes(std::span(body.data(), body.size())));
    document["signature"] = util::encode_base64(
        std::string_view(reinterpret_cast<const char*>(signature.data()), signature.size()));
    SCOPED_TRACE(to);
    EXPECT_ZB_ERROR((void)read_receipt(document.dump(), "r.json", keys.bastion.verifying_key()),
                    ErrorKind::check,
                    message);
  };
  refused("openshift/release-images", "../etc", "r.json: repositories[].name: not a repository");
  refused("4.18.1-multi", "-bad", "not a tag");
  refused(k_digest_b, "sha256:ABC", "blobs: not a sha256 digest");
  refused("mirror.example:8443", "mirror.example:8443/x", "r.json: registry");
  refused(std::string(32, 'c'), "../../x", "r.json: bundles[]: not a bundle");
  refused("application/vnd.zbundle.receipt.body.v1+json", "application/json", "r.json: mediaType");
}

} // namespace
} // namespace zbundle::receipt
