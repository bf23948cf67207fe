#include "core/receipt/receipt.hpp"

#include "core/ics/image_ref.hpp"
#include "core/ics/mirror_name.hpp"
#include "core/util/base64.hpp"
#include "core/util/bounded_parse.hpp"
#include "core/util/error.hpp"
#include "core/util/hex.hpp"
#include "core/util/sha256.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/untrusted_text.hpp"

#include <nlohmann/json.hpp>

#include <set>

namespace zbundle::receipt {
namespace {

using Json = nlohmann::json;
using util::str_cat;

constexpr std::size_t k_body_limit = std::size_t{256} << 20; // a registry of 10^6 manifests
constexpr std::size_t k_document_limit = k_body_limit / 3 * 4 + 4096; // the body in base64
constexpr std::size_t k_signature_limit = 1024;
constexpr std::size_t k_media_type_limit = 255;
constexpr std::size_t k_bundle_id_length = 32;

std::span<const std::byte> bytes_of(std::string_view text) {
  return std::as_bytes(std::span(text.data(), text.size()));
}

nlohmann::ordered_json body_json(const Receipt& receipt) {
  using Ordered = nlohmann::ordered_json;
  Ordered repositories = Ordered::array();
  for (const model::HeldRepository& repository : receipt.inventory.repositories) {
    Ordered manifests = Ordered::object();
    for (const auto& [digest, held] : repository.manifests) {
      manifests[digest] = {{"mediaType", held.media_type},
                           {"blobs", held.blobs},
                           {"missingBlobs", held.missing_blobs},
                           {"manifests", held.manifests}};
    }
    repositories.push_back(
        {{"name", repository.name}, {"tags", repository.tags}, {"manifests", manifests}});
  }
  Ordered bundles = Ordered::array();
  for (const AppliedBundle& bundle : receipt.bundles) {
    bundles.push_back({{"id", bundle.id}, {"created", bundle.created}});
  }
  return {{"mediaType", k_body_media_type},
          {"created", receipt.created},
          {"registry", receipt.registry},
          {"namespace", receipt.name_space},
          {"bundles", std::move(bundles)},
          {"repositories", std::move(repositories)}};
}

// Strict access to the body: the member must be there with the type asked, named in errors.
class Fields {
public:
  explicit Fields(std::string_view subject) : m_subject(subject) {}

  [[noreturn]] void refuse(std::string_view field, std::string_view why) const {
    throw Error(ErrorKind::check, str_cat(m_subject, ": ", field, ": ", why));
  }
  const Json& member(const Json& object, std::string_view key, std::string_view field) const {
    const auto found = object.is_object() ? object.find(key) : object.end();
    if (found == object.end()) {
      refuse(str_cat(field, ".", key), "missing");
    }
    return *found;
  }
  std::string text(const Json& value, std::string_view field) const {
    if (!value.is_string()) {
      refuse(field, "not a string");
    }
    return value.get<std::string>();
  }
  std::string digest(const Json& value, std::string_view field) const {
    std::string text = this->text(value, field);
    if (!ics::is_sha256_digest(text)) {
      refuse(field, str_cat("not a sha256 digest: ", util::printable(text)));
    }
    return text;
  }
  std::vector<std::string> digests(const Json& value, std::string_view field) const {
    if (!value.is_array()) {
      refuse(field, "not a list");
    }
    std::vector<std::string> list;
    for (const Json& item : value) {
      list.push_back(digest(item, field));
    }
    return list;
  }
  const Json& object(const Json& value, std::string_view field) const {
    if (!value.is_object()) {
      refuse(field, "not an object");
    }
    return value;
  }

private:
  std::string_view m_subject;
};

model::HeldManifest parse_held(const Fields& fields, const Json& value, const std::string& at) {
  fields.object(value, at);
  model::HeldManifest held;
  held.media_type = fields.text(fields.member(value, "mediaType", at), at + ".mediaType");
  if (held.media_type.size() > k_media_type_limit || util::has_control_character(held.media_type)) {
    fields.refuse(at + ".mediaType", "not a media type");
  }
  held.blobs = fields.digests(fields.member(value, "blobs", at), at + ".blobs");
  held.missing_blobs =
      fields.digests(fields.member(value, "missingBlobs", at), at + ".missingBlobs");
  held.manifests = fields.digests(fields.member(value, "manifests", at), at + ".manifests");
  return held;
}

model::HeldRepository parse_repository(const Fields& fields, const Json& value) {
  fields.object(value, "repositories[]");
  model::HeldRepository repository;
  repository.name = fields.text(fields.member(value, "name", "repositories[]"), "name");
  if (!ics::is_repository_path(repository.name)) {
    fields.refuse("repositories[].name",
                  str_cat("not a repository name: ", util::printable(repository.name)));
  }
  const std::string at = str_cat("repositories[", repository.name, "]");
  for (const auto& [tag, digest] :
       fields.object(fields.member(value, "tags", at), at + ".tags").items()) {
    if (!ics::is_tag(tag)) {
      fields.refuse(at + ".tags", str_cat("not a tag: ", util::printable(tag)));
    }
    repository.tags[tag] = fields.digest(digest, str_cat(at, ".tags.", tag));
  }
  for (const auto& [digest, held] :
       fields.object(fields.member(value, "manifests", at), at + ".manifests").items()) {
    const std::string field = str_cat(at, ".manifests.", util::printable(digest));
    repository.manifests[fields.digest(Json(digest), field)] = parse_held(fields, held, field);
  }
  return repository;
}

Receipt parse_body(const Json& body, std::string_view subject) {
  const Fields fields(subject);
  if (fields.text(fields.member(body, "mediaType", "body"), "mediaType") != k_body_media_type) {
    fields.refuse("mediaType", str_cat("not ", k_body_media_type));
  }
  Receipt receipt;
  receipt.created = fields.text(fields.member(body, "created", "body"), "created");
  receipt.registry = fields.text(fields.member(body, "registry", "body"), "registry");
  receipt.name_space = fields.text(fields.member(body, "namespace", "body"), "namespace");
  try {
    const ics::MirrorName name = ics::parse_mirror_name(receipt.location());
    if (name.registry() != receipt.registry || name.name_space != receipt.name_space) {
      fields.refuse("registry", "not in its one spelling");
    }
  } catch (const Error& error) {
    fields.refuse("registry", error.what());
  }
  const Json& bundles = fields.member(body, "bundles", "body");
  if (!bundles.is_array()) {
    fields.refuse("bundles", "not a list");
  }
  for (const Json& bundle : bundles) {
    AppliedBundle applied{
        fields.text(fields.member(bundle, "id", "bundles[]"), "bundles[].id"),
        fields.text(fields.member(bundle, "created", "bundles[]"), "bundles[].created")};
    if (!util::is_lower_hex(applied.id, k_bundle_id_length)
        || util::has_control_character(applied.created) || applied.created.size() > 32) {
      fields.refuse("bundles[]", str_cat("not a bundle: ", util::printable(applied.id)));
    }
    receipt.bundles.push_back(std::move(applied));
  }
  const Json& repositories = fields.member(body, "repositories", "body");
  if (!repositories.is_array()) {
    fields.refuse("repositories", "not a list");
  }
  std::set<std::string> blobs;
  for (const Json& item : repositories) {
    model::HeldRepository repository = parse_repository(fields, item);
    receipt.inventory.manifests += repository.manifests.size();
    for (const auto& [digest, held] : repository.manifests) {
      blobs.insert(held.blobs.begin(), held.blobs.end());
    }
    receipt.inventory.repositories.push_back(std::move(repository));
  }
  receipt.inventory.blobs = blobs.size();
  return receipt;
}

} // namespace

std::string write_receipt(const Receipt& receipt, const pki::SigningKey& key) {
  const std::string body = body_json(receipt).dump(1) + "\n";
  const std::vector<unsigned char> signature = key.sign(bytes_of(body));
  const nlohmann::ordered_json document{
      {"mediaType", k_receipt_media_type},
      {"body", util::encode_base64(body)},
      {"keyId", key.key_id()},
      {"signature",
       util::encode_base64(
           std::string_view(reinterpret_cast<const char*>(signature.data()), signature.size()))}};
  return document.dump(2) + "\n";
}

Receipt
read_receipt(std::string_view text, std::string_view subject, const pki::VerifyingKey& key) {
  const Fields fields(subject);
  const Json document = util::parse_bounded_json(text, subject, {.max_bytes = k_document_limit});
  if (fields.text(fields.member(document, "mediaType", "receipt"), "mediaType")
      != k_receipt_media_type) {
    fields.refuse("mediaType", str_cat("not a zbundle receipt (", k_receipt_media_type, ")"));
  }
  const std::optional<std::string> body = util::decode_base64(
      fields.text(fields.member(document, "body", "receipt"), "body"), k_body_limit);
  const std::optional<std::string> signature = util::decode_base64(
      fields.text(fields.member(document, "signature", "receipt"), "signature"), k_signature_limit);
  if (!body || !signature) {
    fields.refuse(body ? "signature" : "body", "not base64, or too long");
  }
  if (!key.verify(bytes_of(*body), bytes_of(*signature))) {
    throw Error(ErrorKind::check,
                str_cat(subject,
                        ": the signature does not verify with key ",
                        key.key_id(),
                        " (signed by another key, or altered)"));
  }
  Receipt receipt =
      parse_body(util::parse_bounded_json(*body, subject, {.max_bytes = k_body_limit}), subject);
  receipt.key_id = key.key_id();
  util::Sha256 hasher;
  hasher.update(bytes_of(*body));
  receipt.id = hasher.finish();
  return receipt;
}

} // namespace zbundle::receipt
