#include "verify_ca_command.hpp"

#include "cli_support.hpp"
#include "core/pki/verify_ca.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <nlohmann/json.hpp>

#include <ctime>
#include <filesystem>
#include <iostream>

namespace zbundle::cli {
namespace {

namespace po = boost::program_options;
using util::str_cat;

po::options_description verify_ca_options() {
  po::options_description options(
      "verify-ca --ca BUNDLE.pem [options] (CERT.pem | --probe HOST:PORT)");
  options.add_options()("ca", po::value<std::string>(), "trusted CA certificates (PEM)")(
      "untrusted", po::value<std::string>(), "intermediates the server may leave out (PEM)")(
      "host", po::value<std::string>(), "DNS name the certificate must be valid for")(
      "ip", po::value<std::string>(), "IP address the certificate must be valid for")(
      "at", po::value<std::string>(), "validation time: RFC 3339 or Unix seconds (default: now)")(
      "max-depth", po::value<int>(), "longest chain accepted (OpenSSL verify depth)")(
      "crl",
      po::value<std::vector<std::string>>()->composing(),
      "CRLs to check revocation against (PEM, repeatable)")(
      "min-days",
      po::value<int>()->default_value(30),
      "warn when a CA expires within this many days")("strict",
                                                      "fail (exit 1) on CA bundle warnings too")(
      "probe", po::value<std::string>(), "connect to HOST:PORT and verify the chain it sends")(
      "resolve",
      po::value<std::string>(),
      "HOST:ADDRESS to connect to for --probe, instead of /etc/hosts")(
      "timeout",
      po::value<int>()->default_value(10),
      "seconds for --probe to connect and handshake")(
      "system-ca", "also trust the system store (only with this flag)")(
      "psl",
      po::value<std::string>(),
      "public suffix list for wildcard checks (default: the system's, if any)")(
      "json", "print the result as JSON")("help,h", "show this help")(
      "certificate",
      po::value<std::string>(),
      "the server certificate (PEM; more certificates = intermediates)");
  return options;
}

nlohmann::ordered_json info_json(const pki::CertificateInfo& info) {
  return {{"subject", info.subject},
          {"issuer", info.issuer},
          {"notBefore", info.not_before},
          {"notAfter", info.not_after},
          {"sha256", info.fingerprint},
          {"isCA", info.is_ca}};
}

void print_text(const pki::ChainVerification& result,
                const std::string& subject,
                const std::vector<pki::BundleEntry>& bundle) {
  if (result.is_trusted) {
    std::cout << "trusted: " << subject << " chains to " << result.chain.back().subject << '\n';
  } else {
    std::cout << "NOT TRUSTED: " << subject << ": " << result.reason << '\n';
  }
  for (std::size_t i = 0; i < result.chain.size(); ++i) {
    const pki::CertificateInfo& info = result.chain[i];
    const bool is_failing = result.failing_index && *result.failing_index == i;
    std::cout << (is_failing ? "> " : "  ") << i << "  " << info.subject << "\n     issuer "
              << info.issuer << "\n     not after " << info.not_after << "  sha256 "
              << info.fingerprint << '\n';
  }
  std::cout << "CA bundle: " << bundle.size()
            << (bundle.size() == 1 ? " certificate\n" : " certificates\n");
  for (const pki::BundleEntry& entry : bundle) {
    std::cout << "  " << entry.info.subject << ": "
              << (entry.problem.empty() ? str_cat("valid for ", entry.days_left, " more days")
                                        : entry.problem)
              << '\n';
  }
}

pki::VerifyCaRequest verify_ca_request(const po::variables_map& values) {
  pki::VerifyCaRequest request;
  request.ca = values["ca"].as<std::string>();
  if (values.count("untrusted")) {
    request.untrusted = values["untrusted"].as<std::string>();
  }
  if (values.count("crl")) {
    for (const std::string& path : values["crl"].as<std::vector<std::string>>()) {
      request.crls.emplace_back(path);
    }
  }
  request.use_system_store = values.count("system-ca") > 0;
  request.min_days = values["min-days"].as<int>();
  pki::VerifyOptions& verify = request.verify;
  verify.at = values.count("at") ? pki::parse_time(values["at"].as<std::string>())
                                 : static_cast<std::int64_t>(std::time(nullptr));
  if (values.count("max-depth")) {
    verify.max_depth = values["max-depth"].as<int>();
  }
  if (values.count("psl")) {
    verify.public_suffix_list_path = values["psl"].as<std::string>();
  }
  if (values.count("host")) {
    verify.dns_name = values["host"].as<std::string>();
  }
  if (values.count("ip")) {
    verify.ip_address = values["ip"].as<std::string>();
  }
  return request;
}

pki::ProbeTarget probe_target(const po::variables_map& values) {
  pki::ProbeTarget target = pki::parse_probe_target(values["probe"].as<std::string>());
  target.timeout_seconds = values["timeout"].as<int>();
  if (values.count("resolve")) {
    const std::string resolve = values["resolve"].as<std::string>();
    const std::size_t colon = resolve.find(':');
    if (colon == std::string::npos || resolve.substr(0, colon) != target.host) {
      throw Error(ErrorKind::usage,
                  str_cat("--resolve ", resolve, ": expected ", target.host, ":ADDRESS"));
    }
    target.address = resolve.substr(colon + 1);
  }
  return target;
}

void print_json(const pki::ChainVerification& result,
                const std::string& subject,
                const std::vector<pki::BundleEntry>& bundle) {
  nlohmann::ordered_json chain = nlohmann::ordered_json::array();
  for (const pki::CertificateInfo& info : result.chain) {
    chain.push_back(info_json(info));
  }
  nlohmann::ordered_json bundle_json = nlohmann::ordered_json::array();
  for (const pki::BundleEntry& entry : bundle) {
    nlohmann::ordered_json item = info_json(entry.info);
    item["daysLeft"] = entry.days_left;
    item["problem"] = entry.problem;
    bundle_json.push_back(std::move(item));
  }
  const nlohmann::ordered_json document = {{"subject", subject},
                                           {"trusted", result.is_trusted},
                                           {"reason", result.reason},
                                           {"failingIndex",
                                            result.failing_index
                                                ? nlohmann::ordered_json(*result.failing_index)
                                                : nlohmann::ordered_json()},
                                           {"chain", std::move(chain)},
                                           {"caBundle", std::move(bundle_json)}};
  std::cout << document.dump(2) << '\n';
}

// Warnings for the CA bundle, then the verdict as an error when the answer is no.
void report_verdict(std::string_view program,
                    const po::variables_map& values,
                    const pki::ChainVerification& result,
                    const std::string& subject,
                    const std::vector<pki::BundleEntry>& bundle) {
  const std::string ca_file = values["ca"].as<std::string>();
  std::size_t bundle_problems = 0;
  for (const pki::BundleEntry& entry : bundle) {
    if (!entry.problem.empty()) {
      ++bundle_problems;
      std::cerr << program << ": warning: " << ca_file << ": " << entry.info.subject << ": "
                << entry.problem << '\n';
    }
  }
  if (!result.is_trusted) {
    const std::size_t index = result.failing_index.value_or(0);
    const std::string which =
        index < result.chain.size()
            ? str_cat("certificate ", index, " (", result.chain[index].subject, ")")
            : str_cat("certificate ", index);
    throw Error(ErrorKind::check, str_cat(subject, ": ", which, ": ", result.reason));
  }
  if (values.count("strict") && bundle_problems > 0) {
    throw Error(ErrorKind::check,
                str_cat(ca_file, ": ", bundle_problems, " CA bundle problems (--strict)"));
  }
}

} // namespace

int run_verify_ca(std::string_view program, const std::vector<std::string>& args) {
  const po::options_description options = verify_ca_options();
  po::positional_options_description positional;
  positional.add("certificate", 1);
  if (std::find(args.begin(), args.end(), "--help") != args.end()
      || std::find(args.begin(), args.end(), "-h") != args.end()) {
    std::cout << options;
    return 0;
  }
  const po::variables_map values = parse_options(args, options, positional);
  if (!values.count("ca")) {
    throw Error(ErrorKind::usage, "verify-ca: --ca BUNDLE.pem is required");
  }
  pki::VerifyCaRequest request = verify_ca_request(values);
  if (values.count("certificate")) {
    request.certificate = values["certificate"].as<std::string>();
  }
  if (values.count("probe")) {
    request.probe = probe_target(values);
  }
  const pki::VerifyCaResult verified = pki::verify_ca(std::move(request));
  const pki::ChainVerification& result = verified.verification;
  const std::string& subject = verified.subject;
  if (values.count("json")) {
    print_json(result, subject, verified.bundle);
  } else {
    print_text(result, subject, verified.bundle);
  }
  report_verdict(program, values, result, subject, verified.bundle);
  return 0;
}

} // namespace zbundle::cli
