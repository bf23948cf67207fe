#include "core/extract/apply.hpp"

#include "core/artifacts/artifacts.hpp"
#include "core/bundle/model_builder.hpp"
#include "core/bundle/sequence.hpp"
#include "core/extract/boot_files.hpp"
#include "core/extract/host_files.hpp"
#include "core/pki/ca_bundle.hpp"
#include "core/pki/certificate_file.hpp"
#include "core/pki/cms_envelope.hpp"
#include "core/pki/system_trust.hpp"
#include "core/util/bounded_parse.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/subprocess.hpp"
#include "core/util/text_file.hpp"
#include "core/util/untrusted_text.hpp"

#include <nlohmann/json.hpp>

namespace zbundle::extract {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using util::str_cat;

constexpr int k_ca_warning_days = 30;
constexpr std::size_t k_max_secret_file = std::size_t{1} << 20;
constexpr std::string_view k_credentials_entry = "artifacts/mirror-auth.json.cms.pem";

// Where things go below the root.
struct Layout {
  fs::path root;
  fs::path state_dir;
  fs::path sequence_dir; // --state-dir, else the state directory below the root
  fs::path backups;
  fs::path manifests;
  fs::path authfile;

  Layout(const ApplyOptions& options, const std::string& bundle_id)
      : root(options.root), state_dir(root / "var/lib/zbundle"),
        sequence_dir(options.state_dir.empty() ? state_dir : options.state_dir),
        backups(state_dir / "backups" / bundle_id),
        manifests(options.manifests_dir.empty() ? state_dir / "artifacts" : options.manifests_dir),
        authfile(options.authfile.empty() ? root / "root/.config/containers/auth.json"
                                          : options.authfile) {}

  // The path as the host sees it once the root is mounted at /.
  [[nodiscard]] std::string shown(const fs::path& path) const {
    const fs::path relative = path.lexically_relative(root);
    return relative.empty() || relative.native().starts_with("..")
               ? path.string()
               : str_cat("/", relative.string());
  }
};

// The registry as part of a file name: "mirror.example:8443" -> "mirror.example-8443".
std::string registry_file_name(const ics::MirrorName& mirror) {
  std::string name = mirror.registry();
  for (char& c : name) {
    if (c == ':' || c == '[' || c == ']') {
      c = '-';
    }
  }
  return name;
}

// The CA bundle to install: --ca, else the bundle's; either is checked as verify-ca would.
std::string checked_ca(const ApplyOptions& options,
                       const bundle::Manifest& manifest,
                       std::vector<std::string>& warnings) {
  std::vector<util::Certificate> certificates;
  std::string origin = options.ca.string();
  if (!options.ca.empty()) {
    certificates = pki::load_certificates(options.ca);
  } else if (!manifest.ca_certificates.empty()) {
    origin = "the bundle's CA";
    certificates = pki::parse_certificates(bundle::joined_pem(manifest.ca_certificates), origin);
  } else {
    throw Error(ErrorKind::usage, "the bundle carries no CA for its mirror: give --ca CA.pem");
  }
  for (std::string& warning :
       pki::require_usable_ca_bundle(certificates, origin, options.now, k_ca_warning_days)) {
    warnings.push_back(std::move(warning));
  }
  return bundle::joined_pem(bundle::carried_certificates(certificates, origin));
}

// Collects one payload entry while the reader verifies the whole stream.
class EntryCollector final : public bundle::EntrySink {
public:
  explicit EntryCollector(std::string_view path) : m_path(path) {}
  void begin(const bundle::Entry& entry) override { m_is_wanted = entry.path == m_path; }
  void write(std::span<const std::byte> bytes) override {
    if (m_is_wanted) {
      m_text.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    }
  }
  void end(const bundle::Entry& /*entry*/, bool /*is_verified*/) override {}
  [[nodiscard]] const std::string& text() const noexcept { return m_text; }

private:
  std::string_view m_path;
  bool m_is_wanted = false;
  std::string m_text;
};

// The credentials the bundle carries (`collected`, read during the verified pass), opened with
// the recipient's key; nullopt when it carries none.
std::optional<artifacts::NamedText> carried_credentials(const bundle::Manifest& manifest,
                                                        const EntryCollector& collected,
                                                        const ApplyOptions& options,
                                                        std::vector<std::string>& warnings) {
  const auto& entries = manifest.entries;
  const bool is_carried = std::any_of(entries.begin(), entries.end(), [](const bundle::Entry& e) {
    return e.path == k_credentials_entry;
  });
  if (!is_carried) {
    return std::nullopt;
  }
  if (options.recipient_key.empty() || options.recipient_certificate.empty()) {
    warnings.push_back(str_cat(k_credentials_entry,
                               ": the bundle carries the mirror's credentials encrypted; "
                               "--recipient-cert and --recipient-key open them"));
    return std::nullopt;
  }
  return artifacts::NamedText{std::string(k_credentials_entry),
                              pki::decrypt_with(collected.text(),
                                                k_credentials_entry,
                                                options.recipient_certificate,
                                                options.recipient_key)};
}

// True when the auth file `text` has an entry for `key`.
bool has_entry(const std::string& text, const std::string& key) {
  nlohmann::json document;
  try {
    document = util::parse_bounded_json(text, "the auth file");
  } catch (const Error&) {
    return false;
  }
  return document.is_object() && document.contains("auths") && document.at("auths").is_object()
         && document.at("auths").contains(key);
}

// Runs the trust store's update command (root "/" only); a missing one is reported.
ApplyAction update_trust_store(const std::string& command, std::vector<std::string>& warnings) {
  constexpr std::size_t k_output_limit = std::size_t{1} << 20; // what it prints is not read
  constexpr std::chrono::seconds k_time_limit{600};
  bool is_done = false;
  try {
    is_done = util::run_program({command}, {}, k_output_limit, k_time_limit).succeeded();
  } catch (const Error&) {
    warnings.push_back(str_cat(command, ": not found; run it by hand to trust the mirror's CA"));
    return {command, "not run"};
  }
  if (!is_done) {
    warnings.push_back(str_cat(command, ": failed; run it by hand to trust the mirror's CA"));
  }
  return {command, is_done ? "ran" : "failed"};
}

// The credentials to render with, and the auth file to install: the bundle's (opened with
// the recipient's key) merged into the bastion's auth file, whose own login for the mirror wins.
void resolve_credentials(const bundle::Manifest& manifest,
                         const EntryCollector& collected,
                         const ApplyOptions& options,
                         const Layout& layout,
                         artifacts::RenderOptions& render,
                         std::vector<HostFile>& files,
                         std::vector<std::string>& warnings) {
  const std::optional<std::string> own_text = read_if_present(layout.authfile);
  std::optional<artifacts::NamedText> own;
  if (own_text) {
    own = artifacts::NamedText{layout.authfile.string(), *own_text};
  }
  const std::optional<artifacts::NamedText> carried =
      carried_credentials(manifest, collected, options, warnings);
  if (carried) {
    if (std::optional<std::string> merged =
            artifacts::merged_auth_file(own, *carried, render.mirror)) {
      files.push_back({layout.authfile, std::move(*merged), 0600});
      render.mirror_auth = carried;
    } else {
      render.mirror_auth = own;
    }
  } else if (own && has_entry(*own_text, render.mirror.auth_file_key())) {
    render.mirror_auth = own;
  }
  if (!options.pull_secret.empty()) {
    render.pull_secret = artifacts::NamedText{
        options.pull_secret.string(), util::read_text_file(options.pull_secret, k_max_secret_file)};
  }
}

// The host's trust anchor for the CA, RHEL-like or Debian-like, with its update command.
std::string plan_trust_anchor(const Layout& layout,
                              const artifacts::RenderOptions& render,
                              std::vector<HostFile>& files,
                              std::vector<std::string>& warnings) {
  const std::string name = str_cat("zbundle-", registry_file_name(render.mirror), ".crt");
  if (const std::optional<pki::TrustStoreLayout> store = pki::find_anchor_store(layout.root)) {
    files.push_back({layout.root / store->anchors / name, render.ca_pem, 0644});
    return std::string(store->update_command);
  }
  warnings.emplace_back(
      "no host trust store (RHEL ca-trust or Debian ca-certificates) under the root");
  return {};
}

unsigned mode_of(artifacts::FileMode mode) {
  switch (mode) {
  case artifacts::FileMode::secret:
    return 0600;
  case artifacts::FileMode::script:
    return 0755;
  case artifacts::FileMode::regular:
    break;
  }
  return 0644;
}

// Installs (or, dry, plans) every file; the trust store is updated when its anchor changed.
void install_all(const std::vector<HostFile>& files,
                 const Layout& layout,
                 const std::string& update_command,
                 bool is_dry_run,
                 ApplyResult& result) {
  bool is_trust_changed = false;
  for (const HostFile& file : files) {
    const Change change =
        is_dry_run ? planned_change(file) : install(file, layout.root, layout.backups);
    is_trust_changed |= change != Change::unchanged && !update_command.empty()
                        && file.path.filename().string().starts_with("zbundle-");
    std::string what(change_name(change));
    if (is_dry_run && change != Change::unchanged) {
      what = str_cat("would be ", what);
    }
    result.actions.push_back({layout.shown(file.path), std::move(what)});
  }
  if (!is_trust_changed) {
    return;
  }
  if (is_dry_run) {
    result.actions.push_back({update_command, "would run"});
  } else if (fs::equivalent(layout.root, "/")) {
    result.actions.push_back(update_trust_store(update_command, result.warnings));
  } else {
    result.actions.push_back({update_command, "not run (the root is not /)"});
  }
}

// --boot-root and --boot-url go together, the URL an http(s) one the AgentServiceConfig can
// name as it is; a bundle with boot images and nowhere to put them is worth a warning.
void check_boot_options(const ApplyOptions& options,
                        const bundle::Manifest& manifest,
                        std::vector<std::string>& warnings) {
  if (options.boot_root.empty() != options.boot_url.empty()) {
    throw Error(ErrorKind::usage, "--boot-root and --boot-url go together");
  }
  artifacts::check_boot_url(options.boot_url);
  if (options.boot_root.empty() && !manifest.boot_images.empty()) {
    warnings.push_back(str_cat("the bundle carries ",
                               manifest.boot_images.size(),
                               " boot images: give --boot-root and --boot-url to serve them"));
  }
}

} // namespace

ApplyResult apply_bundle(const ApplyOptions& options) {
  bundle::BundleReader reader(options.bundle, options.trust); // the signature, before anything
  const bundle::Manifest& manifest = reader.manifest();
  ApplyResult result;
  result.bundle_id = manifest.bundle_id;
  const Layout layout(options, manifest.bundle_id);
  const bundle::BundleSequence sequence(
      layout.sequence_dir,
      options.trust,
      manifest,
      str_cat("apply:", fs::absolute(layout.root).lexically_normal().string()));
  (void)sequence.check(manifest, options.allow_rollback, options.bundle.string());
  check_boot_options(options, manifest, result.warnings);
  // Every byte is verified before anything changes: the first problem stops the run. Boot
  // images stream into temporary files meanwhile, renamed into place only after.
  EntryCollector credentials(k_credentials_entry);
  std::optional<BootFilesWriter> boot;
  bundle::EntrySink* sink = &credentials;
  if (!options.boot_root.empty() && !manifest.boot_images.empty()) {
    sink = &boot.emplace(manifest, options.boot_root, options.dry_run, &credentials);
  }
  bundle::require_intact_payload(reader, sink);
  if (!options.mirror && !manifest.mirror) {
    throw Error(ErrorKind::usage, "the bundle names no mirror: give --mirror HOST[:PORT][/NS]");
  }
  artifacts::RenderOptions render;
  render.mirror = options.mirror ? *options.mirror : ics::parse_mirror_name(*manifest.mirror);
  render.ca_pem = checked_ca(options, manifest, result.warnings);
  render.bundle_id = manifest.bundle_id;
  render.boot_url = options.boot_url;
  std::vector<HostFile> files;
  resolve_credentials(manifest, credentials, options, layout, render, files, result.warnings);
  const std::vector<artifacts::Artifact> rendered = artifacts::render_artifacts(manifest, render);

  const fs::path containers = layout.root / "etc/containers";
  files.push_back(
      {containers / "certs.d" / render.mirror.certs_d_directory() / "ca.crt", render.ca_pem, 0644});
  const std::string update_command = plan_trust_anchor(layout, render, files, result.warnings);
  for (const artifacts::Artifact& artifact : rendered) {
    if (artifact.name == "registries.conf") {
      files.push_back({containers / "registries.conf.d"
                           / str_cat("50-zbundle-", registry_file_name(render.mirror), ".conf"),
                       artifact.content,
                       0644});
    }
    files.push_back({layout.manifests / artifact.name, artifact.content, mode_of(artifact.mode)});
  }
  install_all(files, layout, update_command, options.dry_run, result);
  if (boot) {
    for (auto& [path, what] : boot->commit()) {
      result.actions.push_back({path.string(), std::move(what)});
    }
  }
  if (!options.dry_run) {
    sequence.record(manifest); // last: after everything else
  }
  return result;
}

} // namespace zbundle::extract
