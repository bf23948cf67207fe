#include "core/check/openpgp_signatures.hpp"

#include "core/util/base64.hpp"
#include "core/util/bounded_parse.hpp"
#include "core/util/error.hpp"
#include "core/util/hex.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/subprocess.hpp"
#include "core/util/untrusted_text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

namespace zbundle::check {
namespace {

namespace fs = std::filesystem;
using model::Problem;
using model::ProblemKind;
using util::str_cat;

constexpr std::string_view k_label = "release.openshift.io/verification-signatures";
constexpr std::string_view k_signature_type = "atomic container signature";
constexpr std::size_t k_signature_limit = std::size_t{64} << 10; // Red Hat's are under 1 KiB
constexpr std::size_t k_payload_limit = std::size_t{64} << 10;   // a compressed bomb stops here
constexpr std::size_t k_signatures_per_digest = 16;
constexpr std::chrono::seconds k_gpgv_time_limit{
    60}; // it takes milliseconds              // gpgv runs a release may cost

// "sha256:<hex>" for a binaryData key "sha256-<64 hex>-<n>", or empty.
std::string digest_of_key(const std::string& key) {
  constexpr std::size_t k_hex = 64;
  const std::string_view text(key);
  if (!text.starts_with("sha256-") || text.size() < 7 + k_hex + 2 || text[7 + k_hex] != '-') {
    return {};
  }
  const std::string_view hex = text.substr(7, k_hex);
  const std::string_view number = text.substr(7 + k_hex + 1);
  const bool is_number =
      number.size() <= 4 && number.front() != '0'
      && std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; });
  return util::is_lower_hex(hex, k_hex) && is_number ? str_cat("sha256:", hex) : std::string();
}

// Each step is looked up in a map only and tested for being there first: yaml-cpp throws its own
// exception when a key is asked of a scalar or the type of a missing key is asked, and a
// hostile tree may arrange either anywhere.
bool is_verification_configmap(const YAML::Node& document) {
  const YAML::Node kind = document["kind"];
  const YAML::Node metadata = document["metadata"];
  if (!kind.IsDefined() || !kind.IsScalar() || kind.Scalar() != "ConfigMap" || !metadata.IsDefined()
      || !metadata.IsMap()) {
    return false;
  }
  const YAML::Node labels = metadata["labels"];
  return labels.IsDefined() && labels.IsMap() && labels[std::string(k_label)].IsDefined();
}

void add_signatures_of(const model::ClusterResource& resource, OpenPgpSignatures& signatures) {
  for (const YAML::Node& document : util::load_bounded_yaml(resource.text, resource.origin)) {
    if (!document.IsMap() || !is_verification_configmap(document)) {
      continue;
    }
    const YAML::Node data = document["binaryData"];
    if (!data.IsDefined() || data.IsNull()) {
      continue;
    }
    if (!data.IsMap()) {
      throw Error(ErrorKind::input, str_cat(resource.origin, ": binaryData: not a map"));
    }
    for (const auto& item : data) {
      const std::string key = item.first.IsScalar() ? item.first.Scalar() : std::string();
      const std::string digest = digest_of_key(key);
      if (digest.empty()) {
        throw Error(ErrorKind::input,
                    str_cat(resource.origin,
                            ": binaryData ",
                            util::printable(key),
                            ": not a signature name (sha256-<hex>-<n>)"));
      }
      const std::optional<std::string> bytes =
          item.second.IsScalar() ? util::decode_base64(item.second.Scalar(), k_signature_limit)
                                 : std::nullopt;
      if (!bytes || bytes->empty()) {
        throw Error(ErrorKind::input,
                    str_cat(resource.origin, ": binaryData ", key, ": not base64, or too long"));
      }
      signatures[digest].push_back(*bytes);
    }
  }
}

// critical.image.docker-manifest-digest of an atomic container signature's payload, or why not.
std::string payload_digest(const std::string& payload, std::string& why) {
  nlohmann::json document;
  try {
    document = util::parse_bounded_json(payload, "the signed payload");
  } catch (const Error& error) {
    why = error.what();
    return {};
  }
  const nlohmann::json critical =
      document.is_object() ? document.value("critical", nlohmann::json()) : nlohmann::json();
  if (!critical.is_object() || critical.value("type", nlohmann::json()) != k_signature_type) {
    why = str_cat("the signed payload is not an ", k_signature_type);
    return {};
  }
  const nlohmann::json image = critical.value("image", nlohmann::json());
  const nlohmann::json named = image.is_object()
                                   ? image.value("docker-manifest-digest", nlohmann::json())
                                   : nlohmann::json();
  if (!named.is_string()) {
    why = "the signed payload names no digest";
    return {};
  }
  return named.get<std::string>();
}

// The digest the signed message `signature` names once gpgv has verified it with `keyring`,
// or empty with `why` said.
std::string
verified_digest(const std::string& signature, const fs::path& keyring, std::string& why) {
  const util::ScratchDirectory scratch; // also gpgv's home: nothing of the user's is read
  const fs::path message = scratch.path() / "signature";
  std::ofstream(message, std::ios::binary) << signature;
  std::error_code error;
  if (fs::file_size(message, error) != signature.size() || error) {
    throw Error(ErrorKind::io, str_cat(message.string(), ": cannot write the signature for gpgv"));
  }
  const util::ProgramRun run = util::run_program({"gpgv",
                                                  "--quiet",
                                                  "--keyring",
                                                  fs::absolute(keyring).string(),
                                                  "--output",
                                                  "-",
                                                  message.string()},
                                                 {str_cat("GNUPGHOME=", scratch.path().string())},
                                                 k_payload_limit,
                                                 k_gpgv_time_limit);
  if (run.is_timed_out) {
    why = str_cat("gpgv ran longer than ", k_gpgv_time_limit.count(), " seconds");
    return {};
  }
  if (run.is_cut) {
    why = str_cat("its signed content is larger than ", k_payload_limit, " bytes");
    return {};
  }
  if (!run.succeeded()) {
    why = "no key of --release-keyring verifies it (gpgv)";
    return {};
  }
  return payload_digest(run.output, why);
}

} // namespace

OpenPgpSignatures openpgp_signatures_in(const std::vector<model::ClusterResource>& resources) {
  OpenPgpSignatures signatures;
  for (const model::ClusterResource& resource : resources) {
    if (resource.kind == "ConfigMap") {
      add_signatures_of(resource, signatures);
    }
  }
  return signatures;
}

std::optional<Problem> judge_openpgp_signatures(const std::string& where,
                                                const std::string& digest,
                                                const std::vector<std::string>* signatures,
                                                const fs::path& keyring) {
  const std::string subject = str_cat(where, " -> release signature");
  if (signatures == nullptr || signatures->empty()) {
    return Problem{ProblemKind::missing_signature,
                   subject,
                   str_cat("no OpenPGP signature of ", digest, " in the run")};
  }
  if (keyring.empty()) {
    return Problem{ProblemKind::unverified_signature,
                   subject,
                   "present, not verified: no --release-keyring given"};
  }
  std::string why;
  const std::size_t count = std::min(signatures->size(), k_signatures_per_digest);
  for (std::size_t i = 0; i < count; ++i) {
    std::string reason;
    const std::string named = verified_digest((*signatures)[i], keyring, reason);
    if (named == digest) {
      return std::nullopt;
    }
    if (why.empty() || !named.empty()) {
      why = named.empty() ? reason : str_cat("names ", util::printable(named));
    }
  }
  return Problem{ProblemKind::invalid_signature, subject, str_cat("a signature of ", digest), why};
}

} // namespace zbundle::check
