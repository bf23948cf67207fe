// The mirror registry's credentials in the cluster's pull secret: `auths."host:port"` merged
// into the given pull secret, every other entry kept. Without a pull secret, the credentials
// alone go to mirror-pull-secret.json (for `hcp --pull-secret`), never over the cluster's
// pull secret, which would lose the others; apply-cluster.sh merges the entry alone into the
// live pull secret (pull-secret-mirror-entry.yaml).

#include "core/artifacts/renderers.hpp"
#include "core/util/base64.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <nlohmann/json.hpp>

#include <array>

namespace zbundle::artifacts::detail {
namespace {

using Json = nlohmann::ordered_json;
using util::str_cat;

[[noreturn]] void refuse(const NamedText& file, std::string_view why) {
  throw Error(ErrorKind::input, str_cat(file.name, ": ", why));
}

// {"auths": {...}}, checked.
Json parse_auths(const NamedText& file) {
  Json document = Json::parse(file.text, nullptr, false);
  if (document.is_discarded() || !document.is_object()) {
    refuse(file, "not a JSON object");
  }
  const auto auths = document.find("auths");
  if (auths == document.end() || !auths->is_object()) {
    refuse(file, "no \"auths\" object");
  }
  return document;
}

constexpr std::size_t k_max_credential = 12288;

// True when `auth` is base64 of "user:password", as registries expect.
bool is_basic_credential(const std::string& auth) {
  const std::optional<std::string> decoded = util::decode_base64(auth, k_max_credential);
  const std::size_t colon = decoded ? decoded->find(':') : std::string::npos;
  return colon != std::string::npos && colon > 0;
}

// The mirror's entry of the auth file: the most specific key first (with the namespace),
// then the registry, then the legacy https:// spelling.
Json mirror_credential(const ics::MirrorName& mirror, const NamedText& file) {
  const Json document = parse_auths(file);
  const Json& auths = document.at("auths");
  const std::array keys{
      mirror.location(), mirror.auth_file_key(), str_cat("https://", mirror.auth_file_key())};
  for (const std::string& key : keys) {
    const auto found = auths.find(key);
    if (found == auths.end()) {
      continue;
    }
    const std::string where = str_cat("auths.\"", key, "\".auth");
    if (!found->is_object() || !found->contains("auth") || !found->at("auth").is_string()) {
      refuse(file, str_cat(where, ": missing"));
    }
    const std::string auth = found->at("auth").get<std::string>();
    if (!is_basic_credential(auth)) {
      refuse(file, str_cat(where, ": not base64 of user:password"));
    }
    const auto email = found->find("email");
    return {{"auth", auth},
            {"email", email != found->end() && email->is_string() ? *email : Json("")}};
  }
  std::string known;
  for (const auto& [key, value] : auths.items()) {
    known += str_cat(known.empty() ? "" : ", ", key);
  }
  refuse(file,
         str_cat("no credentials for the mirror ",
                 mirror.auth_file_key(),
                 " (it has: ",
                 known.empty() ? "none" : known,
                 ")"));
}

} // namespace

void add_credentials(const Context& context, Artifacts& out) {
  const RenderOptions& options = context.options;
  if (!options.mirror_auth) {
    if (options.pull_secret) {
      (void)parse_auths(*options.pull_secret); // refused here too, not only on merge
    }
    return;
  }
  const Json credential = mirror_credential(options.mirror, *options.mirror_auth);
  const std::string key = options.mirror.auth_file_key();
  // The mirror's entry alone, as the Secret apply-cluster.sh merges into the live pull secret:
  // the cluster's other entries are whatever they are when it runs, not when this was rendered.
  const Json entry = {{"auths", {{key, credential}}}};
  const Json secret = {{"apiVersion", "v1"},
                       {"kind", "Secret"},
                       {"metadata", {{"name", "pull-secret"}, {"namespace", "openshift-config"}}},
                       {"type", "kubernetes.io/dockerconfigjson"},
                       {"data", {{".dockerconfigjson", util::encode_base64(entry.dump())}}}};
  out.push_back({"pull-secret-mirror-entry.yaml", secret.dump(2) + "\n", FileMode::secret});
  if (options.pull_secret) {
    Json merged = parse_auths(*options.pull_secret);
    merged["auths"][key] = credential;
    out.push_back({"pull-secret.json", merged.dump(2) + "\n", FileMode::secret});
  } else {
    const Json alone = {{"auths", {{key, credential}}}};
    out.push_back({"mirror-pull-secret.json", alone.dump(2) + "\n", FileMode::secret});
  }
}

} // namespace zbundle::artifacts::detail

namespace zbundle::artifacts {

using Json = nlohmann::ordered_json;

std::optional<std::string> merged_auth_file(const std::optional<NamedText>& existing,
                                            const NamedText& credentials,
                                            const ics::MirrorName& mirror) {
  const Json credential = detail::mirror_credential(mirror, credentials);
  Json merged = existing ? detail::parse_auths(*existing) : Json{{"auths", Json::object()}};
  const std::string key = mirror.auth_file_key();
  if (merged["auths"].contains(key)) {
    return std::nullopt; // the bastion's own login for the mirror wins
  }
  merged["auths"][key] = {{"auth", credential.at("auth")}};
  return merged.dump(2) + "\n";
}

} // namespace zbundle::artifacts
