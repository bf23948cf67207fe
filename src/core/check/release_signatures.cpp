#include "core/check/release_signatures.hpp"

#include "core/util/base64.hpp"
#include "core/util/bounded_parse.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/untrusted_text.hpp"

#include <nlohmann/json.hpp>

namespace zbundle::check {
namespace {

using model::ProblemKind;
using util::str_cat;

constexpr std::string_view k_signature_annotation = "dev.cosignproject.cosign/signature";
constexpr std::size_t k_signature_limit = 16384; // an ECDSA or RSA signature is far smaller

// What one signature layer says: the digest its payload names, and whether a key verifies it.
struct LayerVerdict {
  std::string names; // critical.image.docker-manifest-digest; empty when unreadable
  bool is_verified = false;
  std::string why; // when neither
};

// critical.image.docker-manifest-digest of a simple-signing payload, or empty.
std::string named_digest(const nlohmann::json& payload) {
  const nlohmann::json* node = &payload;
  for (const char* key : {"critical", "image", "docker-manifest-digest"}) {
    if (!node->is_object() || !node->contains(key)) {
      return {};
    }
    node = &node->at(key);
  }
  return node->is_string() ? node->get<std::string>() : std::string();
}

LayerVerdict judge_layer(const oci::ReferenceGraph& graph,
                         const nlohmann::json& layer,
                         const SignatureRule& rule) {
  LayerVerdict verdict;
  const nlohmann::json digest = layer.value("digest", nlohmann::json(""));
  if (!digest.is_string()) {
    verdict.why = "a layer's digest is not text";
    return verdict;
  }
  const std::string payload_digest = digest.get<std::string>();
  const std::string* payload = graph.json_of(payload_digest);
  if (payload == nullptr) {
    verdict.why = str_cat("payload ", payload_digest, " is not in the mirror");
    return verdict;
  }
  verdict.names = named_digest(util::parse_bounded_json(*payload, payload_digest));
  if (verdict.names.empty()) {
    verdict.why = str_cat("payload ", payload_digest, " is not a simple-signing payload");
    return verdict;
  }
  const nlohmann::json annotations = layer.value("annotations", nlohmann::json::object());
  const nlohmann::json encoded =
      annotations.is_object()
          ? annotations.value(std::string(k_signature_annotation), nlohmann::json(""))
          : nlohmann::json();
  if (!encoded.is_string()) {
    verdict.why = str_cat("payload ", payload_digest, ": the signature annotation is not text");
    return verdict;
  }
  const std::optional<std::string> signature =
      util::decode_base64(encoded.get<std::string>(), k_signature_limit);
  if (!signature || signature->empty()) {
    verdict.why = "no signature in the layer's annotation";
    return verdict;
  }
  for (const pki::VerifyingKey* key : rule.keys) {
    if (key->verify(std::as_bytes(std::span(*payload)), std::as_bytes(std::span(*signature)))) {
      verdict.is_verified = true;
    }
  }
  return verdict;
}

// The problem with release `digest` tagged `where`, given its signature manifest's text.
std::optional<model::Problem> judge_signature(const oci::ReferenceGraph& graph,
                                              const std::string& where,
                                              const std::string& digest,
                                              const std::string& manifest,
                                              const SignatureRule& rule) {
  const nlohmann::json document = util::parse_bounded_json(manifest, where);
  const nlohmann::json layers =
      document.is_object() ? document.value("layers", nlohmann::json()) : nlohmann::json();
  if (!layers.is_array() || layers.empty()) {
    return model::Problem{ProblemKind::invalid_signature, where, "a signature", "no layers"};
  }
  std::string why;
  bool names_digest = false;
  for (const nlohmann::json& layer : layers) {
    const LayerVerdict verdict = layer.is_object() ? judge_layer(graph, layer, rule)
                                                   : LayerVerdict{{}, false, "not a descriptor"};
    if (verdict.names == digest && verdict.is_verified) {
      return std::nullopt;
    }
    names_digest = names_digest || verdict.names == digest;
    if (!verdict.names.empty() && verdict.names != digest) {
      why = str_cat("names ", util::printable(verdict.names));
    } else if (why.empty()) {
      why = verdict.why.empty() ? "no --release-key verifies it" : verdict.why;
    }
  }
  if (names_digest && rule.keys.empty()) {
    return model::Problem{
        ProblemKind::unverified_signature, where, "present, not verified: no --release-key given"};
  }
  return model::Problem{
      ProblemKind::invalid_signature, where, str_cat("a signature of ", digest), why};
}

// The problem with the sigstore signature of release `digest`, tagged `where`.
std::optional<model::Problem> judge_sigstore(const oci::ReferenceGraph& graph,
                                             const std::string& where,
                                             const std::string& digest,
                                             const std::map<std::string, std::string>& tags,
                                             const SignatureRule& rule) {
  const std::string signature_tag = oci::signature_tag_of(digest);
  const auto signature = tags.find(signature_tag);
  if (signature == tags.end()) {
    return model::Problem{
        ProblemKind::missing_signature, where, signature_tag, "no such tag in the mirror"};
  }
  const std::string* manifest = graph.json_of(signature->second);
  if (manifest == nullptr && graph.is_base_blob(signature->second)) {
    return std::nullopt; // carried by a --base bundle, which was made with the same checks and key
  }
  if (manifest == nullptr) {
    return model::Problem{
        ProblemKind::invalid_signature, where, "a signature manifest", "not in the mirror"};
  }
  try {
    return judge_signature(graph, str_cat(where, " -> ", signature_tag), digest, *manifest, rule);
  } catch (const Error& error) {
    return model::Problem{ProblemKind::invalid_signature, where, "a signature", error.what()};
  }
}

} // namespace

std::vector<ReleaseSignature> judge_release_signatures(const oci::ReferenceGraph& graph,
                                                       const SignatureRule& rule) {
  std::vector<ReleaseSignature> verdicts;
  const auto repository = graph.repositories().find(rule.release_repository);
  if (rule.release_repository.empty() || repository == graph.repositories().end()) {
    return verdicts;
  }
  const std::map<std::string, std::string>& tags = repository->second.tags;
  for (const auto& [tag, digest] : tags) {
    if (oci::is_signature_tag(tag) || !digest.starts_with("sha256:")) {
      continue;
    }
    ReleaseSignature& verdict =
        verdicts.emplace_back(ReleaseSignature{tag, digest, std::nullopt, std::nullopt});
    const std::string where = str_cat(rule.release_repository, ":", tag);
    verdict.problem = judge_sigstore(graph, where, digest, tags, rule);
    if (rule.openpgp != nullptr && !graph.is_base_blob(digest)) {
      const auto found = rule.openpgp->find(digest);
      verdict.openpgp = judge_openpgp_signatures(
          where, digest, found == rule.openpgp->end() ? nullptr : &found->second, rule.keyring);
    }
  }
  return verdicts;
}

std::vector<model::Problem> check_release_signatures(const oci::ReferenceGraph& graph,
                                                     const SignatureRule& rule) {
  std::vector<model::Problem> problems;
  for (ReleaseSignature& verdict : judge_release_signatures(graph, rule)) {
    for (std::optional<model::Problem>* problem : {&verdict.problem, &verdict.openpgp}) {
      if (*problem) {
        problems.push_back(std::move(**problem));
      }
    }
  }
  return problems;
}

} // namespace zbundle::check
