#include "core/extract/preflight.hpp"

#include "core/artifacts/artifacts.hpp"
#include "core/bundle/entry_path.hpp"
#include "core/pki/certificate_file.hpp"
#include "core/pki/tls_probe.hpp"
#include "core/pki/verify_ca.hpp"
#include "core/registry/http_connection.hpp"
#include "core/util/error.hpp"
#include "core/util/host_name.hpp"
#include "core/util/sha256.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/text_file.hpp"
#include "core/util/untrusted_text.hpp"

#include <charconv>

namespace zbundle::extract {
namespace {

using util::str_cat;

constexpr std::int64_t k_seconds_per_day = 86400;
constexpr std::size_t k_max_ca_file = std::size_t{1} << 20;
// The name under *.apps asked for: any name resolves there when the wildcard record exists.
constexpr std::string_view k_apps_probe = "zbundle-preflight.apps.";

struct BootEndpoint {
  registry::Endpoint endpoint;
  std::string path; // ends with '/'
};

// http(s)://HOST[:PORT][/PATH] as the checks need it. Throws Error{usage}.
BootEndpoint parse_boot_url(const std::string& url, const std::string& ca_pem, int timeout) {
  artifacts::check_boot_url(url);
  BootEndpoint out;
  out.endpoint.is_tls = url.starts_with("https://");
  std::string_view rest = std::string_view(url).substr(out.endpoint.is_tls ? 8 : 7);
  const std::size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  out.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (!out.path.ends_with('/')) {
    out.path += '/';
  }
  const std::size_t colon = authority.rfind(':');
  const bool has_port =
      colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos;
  out.endpoint.host = std::string(has_port ? authority.substr(0, colon) : authority);
  out.endpoint.port = out.endpoint.is_tls ? 443 : 80;
  if (has_port) {
    const std::string_view digits = authority.substr(colon + 1);
    const auto [end, error] =
        std::from_chars(digits.data(), digits.data() + digits.size(), out.endpoint.port);
    if (error != std::errc() || end != digits.data() + digits.size() || out.endpoint.port == 0) {
      throw Error(ErrorKind::usage, str_cat("--boot-url ", url, ": not a port: ", digits));
    }
  }
  const std::string bare = out.endpoint.host.starts_with('[')
                               ? out.endpoint.host.substr(1, out.endpoint.host.size() - 2)
                               : out.endpoint.host;
  if (!util::is_dns_name(bare) && !util::is_ip_literal(bare)) {
    throw Error(ErrorKind::usage,
                str_cat("--boot-url ", url, ": not a host name: ", out.endpoint.host));
  }
  out.endpoint.ca_pem = ca_pem;
  out.endpoint.timeout = std::chrono::seconds(timeout);
  return out;
}

PreflightLine check_mirror(const ics::MirrorName& mirror,
                           const std::vector<util::Certificate>& trusted,
                           const PreflightOptions& options) {
  PreflightLine line{"mirror", mirror.registry(), false, {}};
  try {
    pki::ProbeTarget target;
    target.host =
        mirror.host.starts_with('[') ? mirror.host.substr(1, mirror.host.size() - 2) : mirror.host;
    target.port = mirror.port.value_or(443);
    target.timeout_seconds = options.timeout_seconds;
    target.hosts_file = options.hosts_file;
    pki::VerifyOptions verify;
    verify.at = options.now;
    const pki::ChainVerification result = pki::verify_live_server(target, trusted, verify);
    line.ok = result.is_trusted;
    line.detail = result.is_trusted ? "answers over TLS, its chain verified with the CA"
                                    : str_cat("not trusted: ", result.reason);
  } catch (const Error& error) {
    line.detail = error.what();
  }
  return line;
}

void check_ca(const std::vector<util::Certificate>& trusted,
              const PreflightOptions& options,
              std::vector<PreflightLine>& lines) {
  for (const util::Certificate& certificate : trusted) {
    const pki::CertificateInfo info = pki::describe_certificate(certificate.get());
    const std::int64_t days = (pki::parse_time(info.not_after) - options.now) / k_seconds_per_day;
    PreflightLine& line =
        lines.emplace_back(PreflightLine{"ca", info.subject, days >= options.min_days, {}});
    line.detail = days < 0 ? str_cat("expired ", info.not_after)
                           : str_cat(days, " days left (until ", info.not_after, ")");
  }
}

void check_boot(const bundle::Manifest& manifest,
                const BootEndpoint& boot,
                std::vector<PreflightLine>& lines) {
  if (manifest.boot_images.empty()) {
    lines.push_back({"boot", "bundle", false, "carries no boot images to check"});
    return;
  }
  registry::HttpConnection connection(boot.endpoint);
  for (const bundle::Entry& entry : manifest.entries) {
    if (!entry.path.starts_with(bundle::k_boot_tree)) {
      continue;
    }
    const std::string target = str_cat(boot.path, entry.path.substr(bundle::k_boot_tree.size()));
    PreflightLine& line = lines.emplace_back(PreflightLine{
        "boot",
        str_cat(boot.endpoint.is_tls ? "https://" : "http://", boot.endpoint.authority(), target),
        false,
        {}});
    try {
      util::Sha256 hasher;
      std::uint64_t size = 0;
      const registry::HttpResponse answer = connection.download(
          target,
          {},
          [&](std::span<const std::byte> bytes) {
            hasher.update(bytes);
            size += bytes.size();
          },
          entry.size + 1);
      const bool is_same = util::Sha256Digest::from_digest(hasher.finish()) == entry.sha256;
      if (answer.status != 200) {
        line.detail = str_cat("HTTP ", answer.status);
      } else if (size != entry.size) {
        line.detail = str_cat("serves ", size, " bytes, the bundle's has ", entry.size);
      } else if (!is_same) {
        line.detail = "serves other bytes than the bundle's (SHA-256 differs)";
      } else {
        line.ok = true;
        line.detail = str_cat(size, " bytes, SHA-256 as signed");
      }
    } catch (const Error& error) {
      line.detail = error.what();
      connection.close();
    }
  }
}

void check_names(const PreflightOptions& options, std::vector<PreflightLine>& lines) {
  for (const std::string& name :
       {str_cat("api.", options.cluster_domain), str_cat(k_apps_probe, options.cluster_domain)}) {
    const std::optional<std::string> address = util::resolve_host(options.hosts_file, name);
    lines.push_back(
        {"dns",
         name,
         address.has_value(),
         address ? str_cat("resolves to ", *address) : std::string("does not resolve")});
  }
}

} // namespace

std::vector<PreflightLine> run_preflight(const PreflightOptions& options) {
  const bundle::BundleReader reader(options.bundle, options.trust);
  const bundle::Manifest& manifest = reader.manifest();
  if (!options.mirror && !manifest.mirror) {
    throw Error(ErrorKind::usage, "the bundle names no mirror: give --mirror HOST[:PORT][/NS]");
  }
  if (!options.cluster_domain.empty() && !util::is_dns_name(options.cluster_domain)) {
    throw Error(
        ErrorKind::usage,
        str_cat("--cluster-domain ", util::printable(options.cluster_domain), ": not a DNS name"));
  }
  std::string ca_pem;
  if (!options.ca.empty()) {
    ca_pem = util::read_text_file(options.ca, k_max_ca_file);
  } else {
    for (const model::CaCertificate& certificate : manifest.ca_certificates) {
      ca_pem += certificate.pem;
    }
  }
  if (ca_pem.empty()) {
    throw Error(ErrorKind::usage, "the bundle carries no CA: give --ca CA.pem");
  }
  std::optional<BootEndpoint> boot;
  if (!options.boot_url.empty()) {
    boot = parse_boot_url(options.boot_url, ca_pem, options.timeout_seconds);
  }
  const std::vector<util::Certificate> trusted =
      pki::parse_certificates(ca_pem, options.ca.empty() ? "the bundle's CA" : options.ca.string());
  const ics::MirrorName mirror =
      options.mirror ? *options.mirror : ics::parse_mirror_name(*manifest.mirror);
  std::vector<PreflightLine> lines;
  lines.push_back(check_mirror(mirror, trusted, options));
  check_ca(trusted, options, lines);
  if (boot) {
    check_boot(manifest, *boot, lines);
  }
  if (!options.cluster_domain.empty()) {
    check_names(options, lines);
  }
  return lines;
}

} // namespace zbundle::extract
