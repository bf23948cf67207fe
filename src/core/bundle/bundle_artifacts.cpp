#include "core/bundle/bundle_artifacts.hpp"

#include "core/artifacts/artifacts.hpp"
#include "core/bundle/model_builder.hpp"
#include "core/pki/certificate_file.hpp"
#include "core/pki/cms_envelope.hpp"
#include "core/util/bounded_parse.hpp"
#include "core/util/error.hpp"
#include "core/util/hex.hpp"
#include "core/util/sha256.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/text_file.hpp"

#include <nlohmann/json.hpp>

namespace zbundle::bundle {
namespace {

using util::str_cat;

constexpr std::size_t k_max_auth_file = std::size_t{1} << 20;
constexpr std::string_view k_credentials_entry = "artifacts/mirror-auth.json.cms.pem";

PlannedEntry rendered_entry(std::string path, std::string content) {
  util::Sha256 hash;
  hash.update(std::as_bytes(std::span(content.data(), content.size())));
  const std::string digest = hash.finish();
  PlannedEntry planned;
  planned.entry = {std::move(path), content.size(), util::Sha256Digest::from_digest(digest)};
  planned.source.rendered = std::move(content);
  return planned;
}

// The auth file, checked, encrypted to the recipient's certificate.
std::string encrypted_credentials(const CreateOptions& options) {
  const std::string text = util::read_text_file(options.mirror_auth, k_max_auth_file);
  const nlohmann::json document = util::parse_bounded_json(text, options.mirror_auth.string());
  if (!document.is_object() || !document.contains("auths") || !document.at("auths").is_object()) {
    throw Error(ErrorKind::input,
                str_cat(options.mirror_auth.string(),
                        ": not a containers auth file (no \"auths\" object)"));
  }
  const std::vector<util::Certificate> recipient = pki::load_certificates(options.recipient);
  return pki::encrypt_for(text, recipient.front().get(), options.recipient.string());
}

} // namespace

std::vector<PlannedEntry> artifact_entries(const CreateOptions& options, const Manifest& manifest) {
  if (options.mirror_auth.empty() != options.recipient.empty()) {
    throw Error(ErrorKind::usage,
                "--mirror-auth and --recipient go together: credentials travel only encrypted "
                "to the bastion's certificate");
  }
  std::vector<PlannedEntry> entries;
  if (options.mirror && !manifest.ca_certificates.empty()) {
    artifacts::RenderOptions render;
    render.mirror = *options.mirror;
    render.ca_pem = joined_pem(manifest.ca_certificates);
    render.release = options.release;
    render.bundle_id = manifest.bundle_id;
    for (artifacts::Artifact& artifact : artifacts::render_artifacts(manifest, render)) {
      entries.push_back(
          rendered_entry(str_cat("artifacts/", artifact.name), std::move(artifact.content)));
    }
  }
  if (!options.mirror_auth.empty()) {
    entries.push_back(
        rendered_entry(std::string(k_credentials_entry), encrypted_credentials(options)));
  }
  return entries;
}

} // namespace zbundle::bundle
